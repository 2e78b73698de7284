package io.sipwake.sip.transaction;

import io.sipwake.sip.message.SipMessage;
import io.sipwake.sip.message.SipRequest;
import io.sipwake.sip.message.SipResponse;
import io.sipwake.sip.transport.Flow;
import io.sipwake.sip.transport.ListeningPoint;
import io.sipwake.sip.transport.SipTransport;
import io.sipwake.sip.transport.Transport;
import io.sipwake.sip.transport.TransportException;
import io.sipwake.sip.transport.TransportListener;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * An in-memory {@link SipTransport}: records every message sent (synchronously, in order) and
 * completes the send futures at once, or fails them for messages a test selects.
 */
final class FakeTransport implements SipTransport {
    static final InetSocketAddress LOCAL = new InetSocketAddress("10.0.0.1", 5060);

    /** One message handed to the transport. {@code flow} is the flow passed in, or null for send-to-address. */
    record Sent(SipMessage message, Flow flow, Transport transport, InetSocketAddress destination) {
        boolean isRequest(String method) {
            return message instanceof SipRequest r && r.isMethod(method);
        }

        boolean isResponse(int status) {
            return message instanceof SipResponse r && r.status() == status;
        }

        SipRequest request() {
            return (SipRequest) message;
        }

        SipResponse response() {
            return (SipResponse) message;
        }
    }

    final List<Sent> sent = new CopyOnWriteArrayList<>();
    private final AtomicLong connectionIds = new AtomicLong(100);
    private volatile Predicate<SipMessage> failWhen = m -> false;
    private volatile boolean failLater;
    final List<CompletableFuture<Flow>> deferred = new CopyOnWriteArrayList<>();

    /** Fails (synchronously) the sends of the messages {@code when} selects. */
    void failWhen(Predicate<SipMessage> when) {
        this.failWhen = when;
        this.failLater = false;
    }

    /** Leaves the futures of the selected messages pending in {@link #deferred}; the test completes them. */
    void deferWhen(Predicate<SipMessage> when) {
        this.failWhen = when;
        this.failLater = true;
    }

    int count(Predicate<Sent> p) {
        int n = 0;
        for (Sent s : sent) {
            if (p.test(s)) n++;
        }
        return n;
    }

    int requests(String method) {
        return count(s -> s.isRequest(method));
    }

    int responses(int status) {
        return count(s -> s.isResponse(status));
    }

    List<Sent> sentRequests(String method) {
        return sent.stream().filter(s -> s.isRequest(method)).toList();
    }

    private CompletableFuture<Flow> complete(SipMessage m, Flow flow) {
        if (failWhen.test(m)) {
            if (failLater) {
                CompletableFuture<Flow> f = new CompletableFuture<>();
                deferred.add(f);
                return f;
            }
            return CompletableFuture.failedFuture(new TransportException("connection refused (test)"));
        }
        return CompletableFuture.completedFuture(flow);
    }

    @Override
    public void setListener(TransportListener listener) {}

    @Override
    public CompletableFuture<Flow> send(SipMessage message, Flow flow) {
        sent.add(new Sent(message, flow, flow.transport(), flow.remote()));
        return complete(message, flow);
    }

    @Override
    public CompletableFuture<Flow> send(SipMessage message, Transport transport, InetSocketAddress destination) {
        sent.add(new Sent(message, null, transport, destination));
        long id = transport.isReliable() ? connectionIds.incrementAndGet() : 0;
        return complete(message, new Flow(transport, LOCAL, destination, id));
    }

    @Override
    public CompletableFuture<Flow> sendResponse(SipResponse response, Flow requestFlow) {
        sent.add(new Sent(response, requestFlow, requestFlow == null ? null : requestFlow.transport(),
                requestFlow == null ? null : requestFlow.remote()));
        return complete(response, requestFlow);
    }

    @Override
    public boolean isOpen(Flow flow) {
        return true;
    }

    @Override
    public ListeningPoint listeningPoint(Transport transport) {
        return new ListeningPoint(transport, LOCAL.getHostString(), LOCAL.getPort());
    }

    @Override
    public List<ListeningPoint> listeningPoints() {
        return List.of(listeningPoint(Transport.UDP));
    }

    @Override
    public void setIdleRetention(Predicate<Flow> keepOpen) {}

    @Override
    public void close() {}
}
