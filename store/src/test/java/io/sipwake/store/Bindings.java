package io.sipwake.store;

/** Test bindings with plausible values. */
final class Bindings {

  static final long NOW = 1_800_000_000_000L;

  private Bindings() {}

  /** A plain UDP binding of {@code aor} whose key is its contact URI, expiring an hour from {@link #NOW}. */
  static Binding binding(String aor, String contactUri) {
    return binding(aor, contactUri, NOW + 3_600_000);
  }

  static Binding binding(String aor, String contactUri, long expiresAtMillis) {
    return new Binding(aor, contactUri, "<" + contactUri + ">;expires=3600", null, null, Binding.NO_Q,
        "call-" + contactUri, 1, expiresAtMillis, null, null, "udp:192.0.2.1:5060", null, NOW);
  }

  /** An RFC 5626 binding over TCP with every optional field set. */
  static Binding outboundBinding(String aor, String instance, int regId) {
    return new Binding(aor, "<" + instance + ">;reg-id=" + regId,
        "<sip:alice@192.0.2.1:5060;transport=tcp>;+sip.instance=\"<" + instance + ">\";reg-id=" + regId
            + ";q=0.7;expires=600",
        instance, regId, 0.7f, "a84b4c76e66710@pc33", 314159, NOW + 600_000,
        "<sip:edge.example.com;lr>,<sip:core.example.com;lr>", "tcp:127.0.0.1:5060>127.0.0.1:40000#17",
        "tcp:192.0.2.1:40000", "Linphone/5.2 (belle-sip/5.2)", NOW);
  }

  static Binding withCallId(Binding b, String callId) {
    return new Binding(b.aor(), b.bindingKey(), b.contact(), b.instanceId(), b.regId(), b.q(), callId, b.cseq(),
        b.expiresAtMillis(), b.path(), b.flow(), b.source(), b.userAgent(), b.updatedAtMillis());
  }
}
