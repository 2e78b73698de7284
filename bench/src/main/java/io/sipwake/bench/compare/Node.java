package io.sipwake.bench.compare;

/** A SIP server under test on 127.0.0.1 (UDP and TCP on the same port). */
interface Node extends AutoCloseable {
    String name();

    int port();

    /** Milliseconds from starting the process to its first 200 to OPTIONS. */
    long startMillis();

    @Override
    void close();
}
