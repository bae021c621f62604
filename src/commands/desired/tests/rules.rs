use super::{message, table};

#[test]
fn saved_rules_are_a_table() {
    let t = table(
        "-A -t 10.0.0.1:80 -s rr\n\n\
         ipvsadm -a -t 10.0.0.1:80 -r 10.0.2.11:80 -m -w 3\n\
         -A -u 10.0.0.1:53\n",
    )
    .unwrap();
    assert_eq!(t.len(), 2);
    assert_eq!(t[0].service.scheduler, "rr");
    assert_eq!(t[0].dests[0].weight, 3);
    assert_eq!(t[1].service.scheduler, "wlc");
    assert!(table("").unwrap().is_empty());
}

#[test]
fn only_additions_in_order_and_once() {
    assert_eq!(
        message("-C\n"),
        "t:1: only -A and -a lines describe a table"
    );
    assert_eq!(
        message("-a -t 10.0.0.1:80 -r 10.0.2.11\n"),
        "t:1: real server of a service without an earlier -A line"
    );
    assert_eq!(
        message("-A -t 10.0.0.1:80\n-A -t 10.0.0.1:80 -s rr\n"),
        "t:2: service listed twice"
    );
    assert_eq!(
        message(
            "-A -t 10.0.0.1:80\n-a -t 10.0.0.1:80 -r 10.0.2.11\n\
             -a -t 10.0.0.1:80 -r 10.0.2.11 -w 2\n"
        ),
        "t:3: real server listed twice"
    );
    assert_eq!(
        message("-A -t 10.0.0.1:80 -w 1\n"),
        "t:1: Illegal 'weight' option with the 'add-service' command"
    );
    assert_eq!(
        message("-A -t 10.0.0.1:80 --netns x\n"),
        "t:1: --netns cannot be used in a table"
    );
}
