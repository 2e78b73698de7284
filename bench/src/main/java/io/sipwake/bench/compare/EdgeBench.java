package io.sipwake.bench.compare;

import java.util.List;

/**
 * Row 3, edge relay: a Kamailio registrar (usrloc in memory, Path kept and routed along) as the upstream, and in
 * front of it either sipwake in edge mode ({@code edge.upstreams}, mode path) or Kamailio as the edge proxy
 * (add_path_received, loose routing back to the phone). REGISTERs go to the edge; calls go to the registrar, which
 * routes them along the Path through the edge to the callee (a SIPp UAS registered through the edge).
 */
final class EdgeBench {
    private final Harness h;
    private final Table table;

    EdgeBench(Harness h, Table table) {
        this.h = h;
        this.table = table;
    }

    void run() throws Exception {
        Double[] registerRate = new Double[2];
        Double[] callRate = new Double[2];
        List<List<Long>> latencies = new java.util.ArrayList<>();
        int[] failed = new int[2];
        SideBySide side = new SideBySide(h, table);
        for (int i = 0; i < 2; i++) {
            String who = i == 0 ? "sipwake" : "Kamailio";
            int upstreamPort = Udp.freePort();
            try (KamailioNode registrar = KamailioNode.start(h, "edge-registrar-for-" + who, upstreamPort, 1024, List.of("WITH_PATH"));
                    Node edge = i == 0
                            ? SipwakeNode.start(h, "sipwake-edge", "memory", edgeYaml(upstreamPort), side.jfr("edge"))
                            : KamailioNode.start(h, "kamailio-edge", Udp.freePort(), 1024,
                                    List.of("EDGE", "UPSTREAM=\"sip:127.0.0.1:" + upstreamPort + "\""))) {
                registerRate[i] = (double) side.registerRate(edge, who + " edge", 500).rate();
                SideBySide.RelayResult r = side.relay(edge, edge.port(), registrar.port(), who + " edge");
                callRate[i] = (double) r.rate();
                latencies.add(r.setupNanos());
                failed[i] = r.failedProbes();
            }
        }
        table.add("3a", "REGISTER rate through the edge to a Kamailio registrar", "REGISTER/s", true, registerRate[0], registerRate[1],
                "sipwake edge mode (Path) vs Kamailio edge proxy (Path)");
        table.add("3b", "call rate, registrar -> edge -> callee (along Path)", "calls/s", true, callRate[0], callRate[1],
                "0 failed calls, 0 retransmissions");
        side.addLatencyRows("3c", "call set-up through the edge at " + side.probeRate() + " calls/s", latencies, failed);
    }

    static String edgeYaml(int upstreamPort) {
        return "edge:\n"
                + "  upstreams:\n"
                + "    - uri: \"sip:127.0.0.1:" + upstreamPort + ";transport=udp\"\n"
                + "      domains: [" + SideBySide.DOMAIN + "]\n"
                + "      mode: path\n";
    }
}
