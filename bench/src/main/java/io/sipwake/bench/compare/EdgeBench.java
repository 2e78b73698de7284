package io.sipwake.bench.compare;

import java.util.ArrayList;
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

    /** Declares rows 3a, 3b and 3c; the returned body measures them. */
    SideBySide.Body declare() {
        SideBySide side = new SideBySide(h, table);
        Table.Row register = table.add("3a", "REGISTER rate through the edge to a Kamailio registrar", "REGISTER/s", true,
                "sipwake edge mode (Path) vs Kamailio edge proxy (Path)");
        Table.Row calls = table.add("3b", "call rate, registrar -> edge -> callee (along Path)", "calls/s", true,
                "0 failed calls, 0 retransmissions");
        List<Table.Row> latency = side.declareLatencyRows("3c", "call set-up through the edge at " + side.probeRate() + " calls/s");
        List<Table.Row> all = new ArrayList<>(List.of(register, calls));
        all.addAll(latency);
        return () -> {
            for (Table.Side who : Table.Side.values()) {
                side.measure(who, who.label + " edge", all, () -> {
                    int upstreamPort = Udp.freePort();
                    try (KamailioNode registrar = KamailioNode.start(h, "edge-registrar-for-" + who.label, upstreamPort, 1024, List.of("WITH_PATH"));
                            Node edge = who == Table.Side.SIPWAKE
                                    ? SipwakeNode.start(h, "sipwake-edge", "memory", edgeYaml(upstreamPort), side.jfr("edge"))
                                    : KamailioNode.start(h, "kamailio-edge", Udp.freePort(), 1024,
                                            List.of("EDGE", "UPSTREAM=\"sip:127.0.0.1:" + upstreamPort + "\""))) {
                        SideBySide.setRate(register, who, side.registerRate(edge, who.label + " edge", 500));
                        side.relay(edge, edge.port(), registrar.port(), who.label + " edge", who, calls, latency);
                    }
                });
            }
        };
    }

    static String edgeYaml(int upstreamPort) {
        return "edge:\n"
                + "  upstreams:\n"
                + "    - uri: \"sip:127.0.0.1:" + upstreamPort + ";transport=udp\"\n"
                + "      domains: [" + SideBySide.DOMAIN + "]\n"
                + "      mode: path\n";
    }
}
