package io.sipwake.sip.transport;

import io.sipwake.sip.message.SipMessage;
import io.sipwake.sip.message.SipResponse;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * Sends and receives SIP messages over UDP, TCP, TLS, WS and WSS.
 *
 * <p>Thread-safe: any thread may send. Sending never blocks; the returned futures complete on an
 * event loop, exceptionally with {@link TransportException} when the message could not be
 * written (connection refused or reset, no route), which the transaction layer reports to its
 * user as a transport error (RFC 3261 §17.1.4).
 */
public interface SipTransport extends AutoCloseable {

    /** Starts delivering received messages to {@code listener}. */
    void setListener(TransportListener listener);

    /**
     * Sends over an existing flow: the same connection for connection-oriented transports (fails
     * when it is closed), or from the socket the flow arrived on for UDP.
     */
    CompletableFuture<Flow> send(SipMessage message, Flow flow);

    /**
     * Sends to an address, reusing an open connection to it when there is one and opening one
     * otherwise (TCP, TLS, WS client connections). Returns the flow actually used.
     */
    CompletableFuture<Flow> send(SipMessage message, Transport transport, InetSocketAddress destination);

    /**
     * Sends a response where RFC 3261 §18.2.2 and RFC 3581 §4 say: over the request's connection
     * while it is open, else to the {@code received}/{@code rport}/sent-by of the top Via.
     */
    CompletableFuture<Flow> sendResponse(SipResponse response, Flow requestFlow);

    /** True while a connection-oriented flow's connection is open; always true for UDP. */
    boolean isOpen(Flow flow);

    /** The address to put in Via/Record-Route/Path for {@code transport}, or null when not listening on it. */
    ListeningPoint listeningPoint(Transport transport);

    List<ListeningPoint> listeningPoints();

    /**
     * Decides whether an idle connection may be closed. The registrar keeps the connections its
     * bindings use open (RFC 5626 flows) by answering true for them.
     */
    void setIdleRetention(Predicate<Flow> keepOpen);

    @Override
    void close();
}
