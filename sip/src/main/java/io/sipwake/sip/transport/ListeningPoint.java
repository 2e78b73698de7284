package io.sipwake.sip.transport;

/** An address sipwake listens on, as it should appear in Via, Record-Route and Path headers. */
public record ListeningPoint(Transport transport, String host, int port) {}
