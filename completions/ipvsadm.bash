# bash completion for ipvsadm. Generated from the option table (src/cli/completions.rs); do not edit.
_ipvsadm() {
    local cur=${COMP_WORDS[COMP_CWORD]}
    local prev=${COMP_WORDS[COMP_CWORD-1]}
    case $prev in
        --start-daemon)
            COMPREPLY=($(compgen -W "master backup" -- "$cur"))
            return ;;
        --stop-daemon)
            COMPREPLY=($(compgen -W "master backup" -- "$cur"))
            return ;;
        -t|--tcp-service)
            COMPREPLY=()
            return ;;
        -u|--udp-service)
            COMPREPLY=()
            return ;;
        --sctp-service)
            COMPREPLY=()
            return ;;
        -f|--fwmark-service)
            COMPREPLY=()
            return ;;
        -s|--scheduler)
            COMPREPLY=($(compgen -W "rr wrr lc wlc lblc lblcr dh sh sed nq fo ovf mh twos" -- "$cur"))
            return ;;
        -M|--netmask)
            COMPREPLY=()
            return ;;
        -r|--real-server)
            COMPREPLY=()
            return ;;
        -w|--weight)
            COMPREPLY=()
            return ;;
        -x|--u-threshold)
            COMPREPLY=()
            return ;;
        -y|--l-threshold)
            COMPREPLY=()
            return ;;
        --mcast-interface)
            COMPREPLY=()
            return ;;
        --syncid)
            COMPREPLY=()
            return ;;
        --pe)
            COMPREPLY=()
            return ;;
        -b|--sched-flags)
            COMPREPLY=()
            return ;;
        --mcast-group)
            COMPREPLY=()
            return ;;
        --mcast-port)
            COMPREPLY=()
            return ;;
        --mcast-ttl)
            COMPREPLY=()
            return ;;
        --sync-maxlen)
            COMPREPLY=()
            return ;;
        --tun-type)
            COMPREPLY=($(compgen -W "ipip gue gre" -- "$cur"))
            return ;;
        --tun-port)
            COMPREPLY=()
            return ;;
        --apply)
            COMPREPLY=($(compgen -f -- "$cur"))
            return ;;
        --format)
            COMPREPLY=($(compgen -W "text json table prometheus" -- "$cur"))
            return ;;
        --netns)
            COMPREPLY=($(compgen -W "$(ls /run/netns 2>/dev/null)" -f -- "$cur"))
            return ;;
        --interval)
            COMPREPLY=()
            return ;;
        --metrics)
            COMPREPLY=()
            return ;;
    esac
    COMPREPLY=($(compgen -W "-A --add-service -E --edit-service -D --delete-service -C --clear -L --list -l -Z --zero -a --add-server -e --edit-server -d --delete-server --set -h --help -v --version -R --restore -S --save --start-daemon --stop-daemon -t --tcp-service -u --udp-service --sctp-service -f --fwmark-service -s --scheduler -p --persistent -M --netmask -r --real-server -m --masquerading -i --ipip -g --gatewaying -w --weight -x --u-threshold -y --l-threshold -n --numeric -c --connection --mcast-interface --syncid --timeout --daemon --stats --rate --thresholds --persistent-conn --nosort --sort -X --exact -6 --ipv6 -o --ops --pe -b --sched-flags --mcast-group --mcast-port --mcast-ttl --sync-maxlen --tun-info --tun-type --tun-port --tun-nocsum --tun-csum --tun-remcsum --apply --format --netns --dry-run --atomic --all-netns --top --interval --watch --metrics" -- "$cur"))
}
complete -F _ipvsadm ipvsadm
