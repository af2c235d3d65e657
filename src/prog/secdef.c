/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "prog/secdef.h"

/* Longest prefixes first where one is the start of another ("kprobe.multi" before
 * "kprobe"); matching is on whole words, so order only matters between exact names. */
static const struct ks_secdef defs[] = {
    {"socket", 0, "socket_filter", NULL, KS_ATT_NONE},
    {"sk_reuseport/migrate", 0, "sk_reuseport", "sk_reuseport_select_or_migrate", KS_ATT_NONE},
    {"sk_reuseport", 0, "sk_reuseport", "sk_reuseport_select", KS_ATT_NONE},
    {"kprobe.multi", 1, "kprobe", "trace_kprobe_multi", KS_ATT_KPROBE_MULTI},
    {"kretprobe.multi", 1, "kprobe", "trace_kprobe_multi", KS_ATT_KPROBE_MULTI},
    {"kprobe.session", 1, "kprobe", "trace_kprobe_session", KS_ATT_KPROBE_MULTI},
    {"kprobe", 1, "kprobe", NULL, KS_ATT_KPROBE},
    {"kretprobe", 1, "kprobe", NULL, KS_ATT_KPROBE},
    {"ksyscall", 1, "kprobe", NULL, KS_ATT_KSYSCALL},
    {"kretsyscall", 1, "kprobe", NULL, KS_ATT_KSYSCALL},
    {"uprobe.multi", 1, "kprobe", "trace_uprobe_multi", KS_ATT_USER},
    {"uretprobe.multi", 1, "kprobe", "trace_uprobe_multi", KS_ATT_USER},
    {"uprobe.multi.s", 1, "kprobe", "trace_uprobe_multi", KS_ATT_USER},
    {"uretprobe.multi.s", 1, "kprobe", "trace_uprobe_multi", KS_ATT_USER},
    {"uprobe.session", 1, "kprobe", "trace_uprobe_session", KS_ATT_USER},
    {"uprobe", 1, "kprobe", NULL, KS_ATT_USER},
    {"uretprobe", 1, "kprobe", NULL, KS_ATT_USER},
    {"uprobe.s", 1, "kprobe", NULL, KS_ATT_USER},
    {"uretprobe.s", 1, "kprobe", NULL, KS_ATT_USER},
    {"usdt", 1, "kprobe", NULL, KS_ATT_USER},
    {"usdt.s", 1, "kprobe", NULL, KS_ATT_USER},
    {"tc/ingress", 0, "sched_cls", "tcx_ingress", KS_ATT_NONE},
    {"tc/egress", 0, "sched_cls", "tcx_egress", KS_ATT_NONE},
    {"tcx/ingress", 0, "sched_cls", "tcx_ingress", KS_ATT_NONE},
    {"tcx/egress", 0, "sched_cls", "tcx_egress", KS_ATT_NONE},
    {"tc", 1, "sched_cls", NULL, KS_ATT_NONE},
    {"classifier", 1, "sched_cls", NULL, KS_ATT_NONE},
    {"action", 1, "sched_act", NULL, KS_ATT_NONE},
    {"netkit/primary", 0, "sched_cls", "netkit_primary", KS_ATT_NONE},
    {"netkit/peer", 0, "sched_cls", "netkit_peer", KS_ATT_NONE},
    {"tracepoint", 1, "tracepoint", NULL, KS_ATT_TRACEPOINT},
    {"tp", 1, "tracepoint", NULL, KS_ATT_TRACEPOINT},
    {"raw_tracepoint", 1, "raw_tracepoint", NULL, KS_ATT_RAW_TP},
    {"raw_tp", 1, "raw_tracepoint", NULL, KS_ATT_RAW_TP},
    {"raw_tracepoint.w", 1, "raw_tracepoint_writable", NULL, KS_ATT_RAW_TP},
    {"raw_tp.w", 1, "raw_tracepoint_writable", NULL, KS_ATT_RAW_TP},
    {"tp_btf", 1, "tracing", "trace_raw_tp", KS_ATT_TP_BTF},
    {"fentry", 1, "tracing", "trace_fentry", KS_ATT_FENTRY},
    {"fmod_ret", 1, "tracing", "modify_return", KS_ATT_FENTRY},
    {"fexit", 1, "tracing", "trace_fexit", KS_ATT_FENTRY},
    {"fentry.s", 1, "tracing", "trace_fentry", KS_ATT_FENTRY},
    {"fmod_ret.s", 1, "tracing", "modify_return", KS_ATT_FENTRY},
    {"fexit.s", 1, "tracing", "trace_fexit", KS_ATT_FENTRY},
    {"freplace", 1, "ext", NULL, KS_ATT_OTHER},
    {"lsm", 1, "lsm", "lsm_mac", KS_ATT_LSM},
    {"lsm.s", 1, "lsm", "lsm_mac", KS_ATT_LSM},
    {"lsm_cgroup", 1, "lsm", "lsm_cgroup", KS_ATT_LSM},
    {"iter", 1, "tracing", "trace_iter", KS_ATT_ITER},
    {"iter.s", 1, "tracing", "trace_iter", KS_ATT_ITER},
    {"syscall", 0, "syscall", NULL, KS_ATT_NONE},
    {"xdp.frags/devmap", 0, "xdp", "xdp_devmap", KS_ATT_NONE},
    {"xdp/devmap", 0, "xdp", "xdp_devmap", KS_ATT_NONE},
    {"xdp.frags/cpumap", 0, "xdp", "xdp_cpumap", KS_ATT_NONE},
    {"xdp/cpumap", 0, "xdp", "xdp_cpumap", KS_ATT_NONE},
    {"xdp.frags", 0, "xdp", "xdp", KS_ATT_NONE},
    {"xdp", 1, "xdp", "xdp", KS_ATT_NONE},
    {"perf_event", 0, "perf_event", NULL, KS_ATT_NONE},
    {"lwt_in", 0, "lwt_in", NULL, KS_ATT_NONE},
    {"lwt_out", 0, "lwt_out", NULL, KS_ATT_NONE},
    {"lwt_xmit", 0, "lwt_xmit", NULL, KS_ATT_NONE},
    {"lwt_seg6local", 0, "lwt_seg6local", NULL, KS_ATT_NONE},
    {"sockops", 0, "sock_ops", "cgroup_sock_ops", KS_ATT_NONE},
    {"sk_skb/stream_parser", 0, "sk_skb", "sk_skb_stream_parser", KS_ATT_NONE},
    {"sk_skb/stream_verdict", 0, "sk_skb", "sk_skb_stream_verdict", KS_ATT_NONE},
    {"sk_skb/verdict", 0, "sk_skb", "sk_skb_verdict", KS_ATT_NONE},
    {"sk_skb", 1, "sk_skb", NULL, KS_ATT_NONE},
    {"sk_msg", 0, "sk_msg", "sk_msg_verdict", KS_ATT_NONE},
    {"lirc_mode2", 0, "lirc_mode2", "lirc_mode2", KS_ATT_NONE},
    {"flow_dissector", 0, "flow_dissector", "flow_dissector", KS_ATT_NONE},
    {"cgroup_skb/ingress", 0, "cgroup_skb", "cgroup_inet_ingress", KS_ATT_NONE},
    {"cgroup_skb/egress", 0, "cgroup_skb", "cgroup_inet_egress", KS_ATT_NONE},
    {"cgroup/skb", 0, "cgroup_skb", NULL, KS_ATT_NONE},
    {"cgroup/sock_create", 0, "cgroup_sock", "cgroup_inet_sock_create", KS_ATT_NONE},
    {"cgroup/sock_release", 0, "cgroup_sock", "cgroup_inet_sock_release", KS_ATT_NONE},
    {"cgroup/sock", 0, "cgroup_sock", "cgroup_inet_sock_create", KS_ATT_NONE},
    {"cgroup/post_bind4", 0, "cgroup_sock", "cgroup_inet4_post_bind", KS_ATT_NONE},
    {"cgroup/post_bind6", 0, "cgroup_sock", "cgroup_inet6_post_bind", KS_ATT_NONE},
    {"cgroup/bind4", 0, "cgroup_sock_addr", "cgroup_inet4_bind", KS_ATT_NONE},
    {"cgroup/bind6", 0, "cgroup_sock_addr", "cgroup_inet6_bind", KS_ATT_NONE},
    {"cgroup/connect4", 0, "cgroup_sock_addr", "cgroup_inet4_connect", KS_ATT_NONE},
    {"cgroup/connect6", 0, "cgroup_sock_addr", "cgroup_inet6_connect", KS_ATT_NONE},
    {"cgroup/connect_unix", 0, "cgroup_sock_addr", "cgroup_unix_connect", KS_ATT_NONE},
    {"cgroup/sendmsg4", 0, "cgroup_sock_addr", "cgroup_udp4_sendmsg", KS_ATT_NONE},
    {"cgroup/sendmsg6", 0, "cgroup_sock_addr", "cgroup_udp6_sendmsg", KS_ATT_NONE},
    {"cgroup/sendmsg_unix", 0, "cgroup_sock_addr", "cgroup_unix_sendmsg", KS_ATT_NONE},
    {"cgroup/recvmsg4", 0, "cgroup_sock_addr", "cgroup_udp4_recvmsg", KS_ATT_NONE},
    {"cgroup/recvmsg6", 0, "cgroup_sock_addr", "cgroup_udp6_recvmsg", KS_ATT_NONE},
    {"cgroup/recvmsg_unix", 0, "cgroup_sock_addr", "cgroup_unix_recvmsg", KS_ATT_NONE},
    {"cgroup/getpeername4", 0, "cgroup_sock_addr", "cgroup_inet4_getpeername", KS_ATT_NONE},
    {"cgroup/getpeername6", 0, "cgroup_sock_addr", "cgroup_inet6_getpeername", KS_ATT_NONE},
    {"cgroup/getpeername_unix", 0, "cgroup_sock_addr", "cgroup_unix_getpeername", KS_ATT_NONE},
    {"cgroup/getsockname4", 0, "cgroup_sock_addr", "cgroup_inet4_getsockname", KS_ATT_NONE},
    {"cgroup/getsockname6", 0, "cgroup_sock_addr", "cgroup_inet6_getsockname", KS_ATT_NONE},
    {"cgroup/getsockname_unix", 0, "cgroup_sock_addr", "cgroup_unix_getsockname", KS_ATT_NONE},
    {"cgroup/sysctl", 0, "cgroup_sysctl", "cgroup_sysctl", KS_ATT_NONE},
    {"cgroup/getsockopt", 0, "cgroup_sockopt", "cgroup_getsockopt", KS_ATT_NONE},
    {"cgroup/setsockopt", 0, "cgroup_sockopt", "cgroup_setsockopt", KS_ATT_NONE},
    {"cgroup/dev", 0, "cgroup_device", "cgroup_device", KS_ATT_NONE},
    {"struct_ops", 1, "struct_ops", NULL, KS_ATT_OTHER},
    {"struct_ops.s", 1, "struct_ops", NULL, KS_ATT_OTHER},
    {"sk_lookup", 0, "sk_lookup", "sk_lookup", KS_ATT_NONE},
    {"netfilter", 0, "netfilter", "netfilter", KS_ATT_NONE},
    {NULL, 0, NULL, NULL, KS_ATT_NONE},
};

const struct ks_secdef *ks_secdef_find(const char *sec, const char **target)
{
	if (*sec == '?')
		sec++;
	for (const struct ks_secdef *d = defs; d->prefix; d++) {
		size_t n = strlen(d->prefix);

		if (strncmp(sec, d->prefix, n))
			continue;
		if (sec[n] == '\0') {
			*target = "";
			return d;
		}
		if (d->multi && sec[n] == '/') {
			*target = sec + n + 1;
			return d;
		}
	}
	*target = "";
	return NULL;
}
