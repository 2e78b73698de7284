package io.sipwake.sip.transport;

import io.sipwake.sip.parser.ParseLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Configuration of a {@link NettySipTransport}. Immutable; build it with {@link #builder()}.
 *
 * @param bindAddress IP address the listeners bind to ({@code 0.0.0.0} or {@code ::} for all)
 * @param advertisedHost host put in {@link ListeningPoint}s (Via, Record-Route, Path); null means the bind
 *     address, or, when that is a wildcard, the first non-loopback address of the machine
 * @param ports listening port per transport; port 0 picks a free port ({@link NettySipTransport#listeningPoints()}
 *     then reports the actual one). A transport without an entry has no listener (TCP and TLS can still be used
 *     for outgoing connections; UDP cannot, since UDP is always sent from the UDP listening socket)
 * @param tlsCertificate PEM certificate chain of this server, needed for TLS and WSS listeners; also offered as
 *     client certificate on outgoing TLS connections
 * @param tlsPrivateKey PEM PKCS#8 private key belonging to {@code tlsCertificate}
 * @param tlsKeyPassword password of an encrypted {@code tlsPrivateKey}, or null
 * @param tlsTrustedCertificates PEM file of the CA certificates trusted for outgoing TLS connections; null
 *     trusts the JDK's default trust store
 * @param tlsVerifyHostname whether outgoing TLS connections check that the server certificate names the host
 *     (or IP address) connected to
 * @param ioThreads number of event loop threads; 0 lets Netty choose (twice the number of cores)
 * @param preferNativeTransport use epoll when available (Linux), else NIO
 * @param idleTimeout a connection with no traffic in either direction for this long is closed, unless the
 *     {@link SipTransport#setIdleRetention idle retention} predicate keeps it; {@link Duration#ZERO} disables it
 * @param connectTimeout timeout of outgoing TCP/TLS connection attempts (TLS handshake included)
 * @param maxConnections cap on concurrently open inbound connections (TCP, TLS, WS, WSS); further ones are
 *     closed on accept. 0 means no cap
 * @param parseLimits message, header and line size limits
 * @param webSocketPath HTTP path WS/WSS handshakes must start with; {@code "/"} accepts any path
 * @param shutdownTimeout how long {@link NettySipTransport#close()} waits for the event loops to stop
 */
public record TransportConfig(
        String bindAddress,
        String advertisedHost,
        Map<Transport, Integer> ports,
        Path tlsCertificate,
        Path tlsPrivateKey,
        String tlsKeyPassword,
        Path tlsTrustedCertificates,
        boolean tlsVerifyHostname,
        int ioThreads,
        boolean preferNativeTransport,
        Duration idleTimeout,
        Duration connectTimeout,
        int maxConnections,
        ParseLimits parseLimits,
        String webSocketPath,
        Duration shutdownTimeout) {

    public TransportConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        EnumMap<Transport, Integer> copy = new EnumMap<>(Transport.class);
        if (ports != null) copy.putAll(ports);
        for (Map.Entry<Transport, Integer> e : copy.entrySet()) {
            Integer p = e.getValue();
            if (p == null || p < 0 || p > 65_535) throw new IllegalArgumentException("bad port for " + e.getKey() + ": " + p);
        }
        ports = Collections.unmodifiableMap(copy);
        if ((copy.containsKey(Transport.TLS) || copy.containsKey(Transport.WSS)) && (tlsCertificate == null || tlsPrivateKey == null)) {
            throw new IllegalArgumentException("TLS and WSS listeners need tlsCertificate and tlsPrivateKey");
        }
        if ((tlsCertificate == null) != (tlsPrivateKey == null)) {
            throw new IllegalArgumentException("tlsCertificate and tlsPrivateKey go together");
        }
        if (ioThreads < 0) throw new IllegalArgumentException("ioThreads < 0");
        if (maxConnections < 0) throw new IllegalArgumentException("maxConnections < 0");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        if (idleTimeout.isNegative() || connectTimeout.isNegative() || connectTimeout.isZero() || shutdownTimeout.isNegative()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
        Objects.requireNonNull(parseLimits, "parseLimits");
        if (webSocketPath == null || !webSocketPath.startsWith("/")) throw new IllegalArgumentException("webSocketPath must start with '/'");
    }

    /** A builder with the defaults: bind {@code 0.0.0.0}, no listeners, 10 min idle timeout, 5 s connect timeout. */
    public static Builder builder() {
        return new Builder();
    }

    /** Standalone defaults: UDP and TCP on 5060 on all addresses. */
    public static TransportConfig defaults() {
        return builder().listen(Transport.UDP, 5060).listen(Transport.TCP, 5060).build();
    }

    /** True when a listener for {@code transport} is configured. */
    public boolean listens(Transport transport) {
        return ports.containsKey(transport);
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.bindAddress = bindAddress;
        b.advertisedHost = advertisedHost;
        b.ports.putAll(ports);
        b.tlsCertificate = tlsCertificate;
        b.tlsPrivateKey = tlsPrivateKey;
        b.tlsKeyPassword = tlsKeyPassword;
        b.tlsTrustedCertificates = tlsTrustedCertificates;
        b.tlsVerifyHostname = tlsVerifyHostname;
        b.ioThreads = ioThreads;
        b.preferNativeTransport = preferNativeTransport;
        b.idleTimeout = idleTimeout;
        b.connectTimeout = connectTimeout;
        b.maxConnections = maxConnections;
        b.parseLimits = parseLimits;
        b.webSocketPath = webSocketPath;
        b.shutdownTimeout = shutdownTimeout;
        return b;
    }

    /** Mutable builder of {@link TransportConfig}; not thread-safe. */
    public static final class Builder {
        private String bindAddress = "0.0.0.0";
        private String advertisedHost;
        private final EnumMap<Transport, Integer> ports = new EnumMap<>(Transport.class);
        private Path tlsCertificate;
        private Path tlsPrivateKey;
        private String tlsKeyPassword;
        private Path tlsTrustedCertificates;
        private boolean tlsVerifyHostname = true;
        private int ioThreads;
        private boolean preferNativeTransport = true;
        private Duration idleTimeout = Duration.ofMinutes(10);
        private Duration connectTimeout = Duration.ofSeconds(5);
        private int maxConnections = 10_000;
        private ParseLimits parseLimits = ParseLimits.DEFAULT;
        private String webSocketPath = "/";
        private Duration shutdownTimeout = Duration.ofSeconds(5);

        private Builder() {}

        public Builder bindAddress(String address) {
            this.bindAddress = address;
            return this;
        }

        public Builder advertisedHost(String host) {
            this.advertisedHost = host;
            return this;
        }

        /** Adds a listener; port 0 picks a free port. */
        public Builder listen(Transport transport, int port) {
            ports.put(Objects.requireNonNull(transport), port);
            return this;
        }

        /** Server certificate chain and PKCS#8 key, both PEM (for TLS and WSS listeners). */
        public Builder tls(Path certificate, Path privateKey) {
            this.tlsCertificate = certificate;
            this.tlsPrivateKey = privateKey;
            return this;
        }

        public Builder tlsKeyPassword(String password) {
            this.tlsKeyPassword = password;
            return this;
        }

        /** PEM CA certificates trusted by outgoing TLS connections (null: the JDK default trust store). */
        public Builder tlsTrustedCertificates(Path caPem) {
            this.tlsTrustedCertificates = caPem;
            return this;
        }

        public Builder tlsVerifyHostname(boolean verify) {
            this.tlsVerifyHostname = verify;
            return this;
        }

        public Builder ioThreads(int threads) {
            this.ioThreads = threads;
            return this;
        }

        public Builder preferNativeTransport(boolean preferNative) {
            this.preferNativeTransport = preferNative;
            return this;
        }

        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = timeout;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        public Builder maxConnections(int max) {
            this.maxConnections = max;
            return this;
        }

        public Builder parseLimits(ParseLimits limits) {
            this.parseLimits = limits;
            return this;
        }

        public Builder webSocketPath(String path) {
            this.webSocketPath = path;
            return this;
        }

        public Builder shutdownTimeout(Duration timeout) {
            this.shutdownTimeout = timeout;
            return this;
        }

        public TransportConfig build() {
            return new TransportConfig(bindAddress, advertisedHost, ports, tlsCertificate, tlsPrivateKey, tlsKeyPassword,
                    tlsTrustedCertificates, tlsVerifyHostname, ioThreads, preferNativeTransport, idleTimeout, connectTimeout,
                    maxConnections, parseLimits, webSocketPath, shutdownTimeout);
        }
    }
}
