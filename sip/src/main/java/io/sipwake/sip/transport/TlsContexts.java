package io.sipwake.sip.transport;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import javax.net.ssl.SSLException;

/** Builds the TLS contexts from the PEM files of a {@link TransportConfig}. TLS 1.2 and 1.3 only. */
final class TlsContexts {
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private TlsContexts() {}

    /** The server context for TLS and WSS listeners, or null when no certificate is configured. */
    static SslContext server(TransportConfig config) {
        if (config.tlsCertificate() == null) return null;
        try {
            return SslContextBuilder
                    .forServer(config.tlsCertificate().toFile(), config.tlsPrivateKey().toFile(), config.tlsKeyPassword())
                    .protocols(PROTOCOLS)
                    .clientAuth(ClientAuth.NONE)
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new TransportException("cannot load TLS certificate " + config.tlsCertificate() + " / key "
                    + config.tlsPrivateKey() + ": " + e.getMessage(), e);
        }
    }

    /** The client context for outgoing TLS connections: configured CA or JDK trust, own certificate if any. */
    static SslContext client(TransportConfig config) {
        try {
            SslContextBuilder b = SslContextBuilder.forClient()
                    .protocols(PROTOCOLS)
                    .endpointIdentificationAlgorithm(config.tlsVerifyHostname() ? "HTTPS" : null);
            if (config.tlsTrustedCertificates() != null) b.trustManager(config.tlsTrustedCertificates().toFile());
            if (config.tlsCertificate() != null) {
                b.keyManager(config.tlsCertificate().toFile(), config.tlsPrivateKey().toFile(), config.tlsKeyPassword());
            }
            return b.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new TransportException("cannot build the TLS client context: " + e.getMessage(), e);
        }
    }
}
