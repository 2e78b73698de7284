package io.sipwake.proxy.routing;

import io.sipwake.sip.message.HeaderNames;
import io.sipwake.sip.message.NameAddress;
import io.sipwake.sip.message.Parameters;
import io.sipwake.sip.message.SipRequest;
import io.sipwake.sip.message.SipUri;
import io.sipwake.sip.transport.Flow;
import io.sipwake.sip.transport.ListeningPoint;
import io.sipwake.sip.transport.SipTransport;
import io.sipwake.sip.transport.Transport;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Record-Route handling (RFC 3261 §16.6 step 4, RFC 5658 double Record-Route) with the flows of
 * both sides kept in the Record-Route URI, so that in-dialog requests in either direction go back
 * over the connection each phone uses (RFC 5626 §5.3 does the same with a flow token).
 */
public final class RecordRouting {
    /** URI parameter with the flow of the side that sent the initial request. */
    static final String CALLER_FLOW = "sw-a";
    /** URI parameter with the flow of the side the initial request was sent to. */
    static final String CALLEE_FLOW = "sw-b";

    private final SipTransport transport;

    public RecordRouting(SipTransport transport) {
        this.transport = transport;
    }

    /**
     * Adds our Record-Route (two of them when the request leaves on another transport than it
     * arrived on, RFC 5658) to a request about to be forwarded from {@code inbound} towards
     * {@code outTransport} / {@code outbound} (null when the connection is not known yet).
     */
    public void add(SipRequest request, Flow inbound, Transport outTransport, Flow outbound) {
        ListeningPoint in = transport.listeningPoint(inbound.transport());
        ListeningPoint out = transport.listeningPoint(outTransport);
        if (out == null) out = in;
        Parameters flows = Parameters.of(CALLER_FLOW, encode(inbound));
        if (outbound != null) flows = flows.with(CALLEE_FLOW, encode(outbound));
        if (in != null && !in.equals(out)) {
            request.addHeaderFirst(HeaderNames.RECORD_ROUTE, uri(in, flows).toString());
        }
        request.addHeaderFirst(HeaderNames.RECORD_ROUTE, uri(out, flows).toString());
    }

    private static NameAddress uri(ListeningPoint lp, Parameters flows) {
        SipUri u = SipUri.of(null, lp.host(), lp.port());
        if (lp.transport() != Transport.UDP) u = u.withParam("transport", lp.transport().uriParam());
        u = u.withParam("lr", null);
        for (var e : flows.entries()) u = u.withParam(e.getKey(), e.getValue());
        return NameAddress.of(u);
    }

    /**
     * Picks the flow an in-dialog request should leave on, from the flows recorded in our Route
     * entry: a request from one side goes to the other side's flow while that is open. Returns null
     * when normal routing by Route/Request-URI should apply.
     */
    public Flow flowFor(SipUri ourRoute, Flow arrivedOn) {
        Flow caller = decode(ourRoute.param(CALLER_FLOW));
        Flow callee = decode(ourRoute.param(CALLEE_FLOW));
        Flow target;
        if (caller != null && sameEndpoint(caller, arrivedOn)) {
            target = callee;
        } else if (callee != null && sameEndpoint(callee, arrivedOn)) {
            target = caller;
        } else {
            target = caller;
        }
        if (target == null || sameEndpoint(target, arrivedOn) || !transport.isOpen(target)) return null;
        return target;
    }

    private static boolean sameEndpoint(Flow a, Flow b) {
        return a.transport() == b.transport() && a.remote().equals(b.remote());
    }

    static String encode(Flow flow) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(flow.token().getBytes(StandardCharsets.UTF_8));
    }

    static Flow decode(String value) {
        if (value == null) return null;
        try {
            return Flow.parseToken(new String(Base64.getUrlDecoder().decode(value), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
