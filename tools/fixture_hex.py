#!/usr/bin/env python3
"""Turn messages printed by tools/decode_captures.py into annotated hex
constants for the src/ipvs/tests fixtures (one line per attribute).
Usage: decode_captures.py captures.txt > msgs.txt
       fixture_hex.py msgs.txt LABEL:REQ|RPL|INFO:INDEX:CONST_NAME ..."""
import struct,sys
CMDS={1:'NEW_SERVICE',2:'SET_SERVICE',3:'DEL_SERVICE',4:'GET_SERVICE',5:'NEW_DEST',6:'SET_DEST',7:'DEL_DEST',8:'GET_DEST',9:'NEW_DAEMON',10:'DEL_DAEMON',11:'GET_DAEMON',12:'SET_CONFIG',13:'GET_CONFIG',14:'SET_INFO',15:'GET_INFO',16:'ZERO',17:'FLUSH'}
TOP={1:'SERVICE',2:'DEST',3:'DAEMON',4:'TIMEOUT_TCP',5:'TIMEOUT_TCP_FIN',6:'TIMEOUT_UDP'}
INFO={1:'INFO_VERSION',2:'INFO_CONN_TAB_SIZE'}
SVC='AF PROTOCOL ADDR PORT FWMARK SCHED_NAME FLAGS TIMEOUT NETMASK STATS PE_NAME STATS64'.split()
DEST='ADDR PORT FWD_METHOD WEIGHT U_THRESH L_THRESH ACTIVE_CONNS INACT_CONNS PERSIST_CONNS STATS ADDR_FAMILY STATS64 TUN_TYPE TUN_PORT TUN_FLAGS'.split()
DAEMON='STATE MCAST_IFN SYNC_ID SYNC_MAXLEN MCAST_GROUP MCAST_GROUP6 MCAST_PORT MCAST_TTL'.split()
STATS='CONNS INPKTS OUTPKTS INBYTES OUTBYTES CPS INPPS OUTPPS INBPS OUTBPS PAD'.split()
def hx(b): return ' '.join('%02x'%x for x in b)
def walk(d,ind,space,out):
    off=0
    while off+4<=len(d):
        ln,t=struct.unpack_from('<HH',d,off)
        k=t&0x3fff; v=d[off+4:off+ln]; pad=d[off+ln:off+((ln+3)&~3)]
        names={'top':TOP,'info':INFO,'svc':dict(enumerate(SVC,1)),'dest':dict(enumerate(DEST,1)),'daemon':dict(enumerate(DAEMON,1)),'stats':dict(enumerate(STATS,1))}[space]
        nm=names.get(k,'?%d'%k)
        nested=(space=='top' and k in (1,2,3)) or (space in('svc','dest') and k in(10,12))
        flag=' (NLA_F_NESTED)' if t&0x8000 else ''
        if nested:
            out.append((ind,d[off:off+4],'%s nest, len %d%s'%(nm,ln,flag)))
            walk(v,ind+1,{1:'svc',2:'dest',3:'daemon'}[k] if space=='top' else 'stats',out)
        else:
            out.append((ind,d[off:off+4]+v+pad,nm))
        off+=(ln+3)&~3
def gen(name,hexs,comment):
    b=bytes.fromhex(hexs)
    out=[(0,b[:4],'genl: cmd %s, version %d'%(CMDS.get(b[0],b[0]),b[1]))]
    walk(b[4:],0,'info' if b[0] in (14,15) else 'top',out)
    print('/// %s'%comment)
    print('const %s: &str = "'%name)
    for ind,bs,c in out:
        # split long byte runs in 16-byte lines
        chunks=[bs[i:i+16] for i in range(0,len(bs),16)] or [b'']
        for i,ch in enumerate(chunks):
            pre='    '+'  '*ind
            line=pre+hx(ch)
            if i==0: line=line.ljust(62)+' # '+c
            print(line)
    print('";')
    print()
msgs=[l.split() for l in open(sys.argv[1])]
import re
for spec in sys.argv[2:]:
    label,kind,idx,name=spec.split(':')
    if kind=='INFO':
        sel=[m for m in msgs if m[0]==label and m[2]=='type=32' and (m[5].startswith('0e01') or m[5]=='0f010000')]
    else:
        sel=[m for m in msgs if m[0]==label and m[1]==kind and m[2]=='type=32' and m[5] not in('0f010000','0e01000008000100010201000800020000100000')]
    m=sel[int(idx)]
    print('// %s %s'%(label,kind), file=sys.stderr)
    gen(name,m[5],'')
