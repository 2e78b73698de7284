package io.sipwake.proxy;

import io.sipwake.proxy.edge.EdgeKeys;
import io.sipwake.proxy.edge.EdgeRegistrar;
import io.sipwake.proxy.edge.EdgeUpstreams;
import io.sipwake.proxy.edge.Upstream;
import io.sipwake.proxy.location.LocationService;
import io.sipwake.proxy.push.PushBucket;
import io.sipwake.proxy.push.PushParameters;
import io.sipwake.proxy.registrar.Registrar;
import io.sipwake.proxy.routing.LocalAddresses;
import io.sipwake.proxy.routing.LoopDetection;
import io.sipwake.proxy.routing.NextHop;
import io.sipwake.proxy.routing.NextHopResolver;
import io.sipwake.proxy.routing.RecordRouting;
import io.sipwake.proxy.routing.ResponseContext;
import io.sipwake.sip.message.HeaderNames;
import io.sipwake.sip.message.NameAddress;
import io.sipwake.sip.message.SipRequest;
import io.sipwake.sip.message.SipResponse;
import io.sipwake.sip.message.SipSyntaxException;
import io.sipwake.sip.message.SipUri;
import io.sipwake.sip.message.Uri;
import io.sipwake.sip.message.Via;
import io.sipwake.sip.transaction.ClientTransaction;
import io.sipwake.sip.transaction.ServerTransaction;
import io.sipwake.sip.transaction.TransactionLayer;
import io.sipwake.sip.transaction.TransactionUser;
import io.sipwake.sip.transport.Flow;
import io.sipwake.sip.transport.ListeningPoint;
import io.sipwake.sip.transport.SipTransport;
import io.sipwake.sip.transport.Transport;
import io.sipwake.store.Binding;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stateful proxy of RFC 3261 §16 in front of the registrar: validates each request (§16.3),
 * preprocesses its routes (§16.4), finds its targets in the location service or its Route set
 * (§16.5), forwards a copy to each in parallel (§16.6), and chooses the response (§16.7, in
 * {@link ResponseContext}); CANCEL follows §16.10, ACK for 2xx and stray 2xx retransmissions are
 * forwarded statelessly.
 *
 * <p>Called by the transaction layer on transport threads; never blocks: registrations complete
 * asynchronously and names resolve on an executor.
 */
public final class SipProxy implements TransactionUser {
    private static final Logger log = LoggerFactory.getLogger(SipProxy.class);
    private static final Set<String> DIALOG_CREATING = Set.of("INVITE", "SUBSCRIBE", "REFER", "NOTIFY");
    /**
     * Requests worth waking a phone for (RFC 8599 §5.6.2: new dialogs and standalone messages). An OPTIONS
     * ping (a PBX's qualify, a scanner) must never push a sleeping phone: that would drain its battery.
     */
    private static final Set<String> WAKING = Set.of("INVITE", "MESSAGE", "SUBSCRIBE", "REFER");
    private static final String ALLOW = "INVITE, ACK, CANCEL, BYE, OPTIONS, MESSAGE, SUBSCRIBE, NOTIFY, REFER, INFO, UPDATE, PRACK, REGISTER";

    private final TransactionLayer transactions;
    private final SipTransport transport;
    private final Registrar registrar;
    private final LocationService locations;
    private final LocalAddresses local;
    private final Predicate<String> localDomain;
    private final Predicate<String> knownAor;
    private final NextHopResolver resolver;
    private final RecordRouting recordRouting;
    private final boolean relay;
    private volatile PushBucket bucket; // null when sipwake pushes to no provider
    private volatile io.sipwake.proxy.push.PurrRegistry purrs; // the PURRs the registrar issued (RFC 8599 §6)
    private volatile EdgeUpstreams edge; // null unless sipwake stands in front of other registrars
    private volatile EdgeRegistrar edgeRegistrar;
    private volatile ProxyMetrics metrics = ProxyMetrics.NOOP;

    /**
     * @param localDomain whether a Request-URI host is a domain this server is responsible for
     * @param knownAor    whether an AOR is a user of ours (unknown users get 404, known but
     *                    unregistered ones 480)
     * @param relay       whether requests for other domains, and along Route sets that do not
     *                    pass us, are forwarded (an outbound proxy) or refused with 403
     */
    public SipProxy(TransactionLayer transactions, SipTransport transport, Registrar registrar, LocationService locations,
            LocalAddresses local, Predicate<String> localDomain, Predicate<String> knownAor, NextHopResolver resolver,
            boolean relay) {
        this.transactions = transactions;
        this.transport = transport;
        this.registrar = registrar;
        this.locations = locations;
        this.local = local;
        this.localDomain = localDomain;
        this.knownAor = knownAor;
        this.resolver = resolver;
        this.recordRouting = new RecordRouting(transport);
        this.relay = relay;
    }

    /** Reports requests, responses and registrations to {@code metrics} (no-op by default). */
    public void setMetrics(ProxyMetrics metrics) {
        this.metrics = metrics == null ? ProxyMetrics.NOOP : metrics;
    }

    /**
     * Turns on RFC 8599 push wake-up: requests for phones registered with push parameters and not
     * reachable now are held in {@code bucket} while the phone is pushed.
     */
    public void enablePush(PushBucket bucket) {
        this.bucket = bucket;
    }

    /**
     * Also holds mid-dialog requests for a sleeping phone whose Request-URI or Route carries a PURR that
     * {@code purrs} issued (RFC 8599 §6.2.3), instead of sending them to a connection that is gone.
     */
    public void enablePush(PushBucket bucket, io.sipwake.proxy.push.PurrRegistry purrs) {
        this.purrs = purrs;
        this.bucket = bucket;
    }

    /**
     * Turns on edge mode: REGISTERs for the domains of {@code upstreams} go to their registrar through
     * {@code registrar}; calls the upstreams send back for those phones (by Path or rewritten Contact) reach
     * them through the same bucket and forking as local calls; calls from the phones go to their upstream.
     */
    public void enableEdge(EdgeUpstreams upstreams, EdgeRegistrar registrar) {
        this.edgeRegistrar = registrar;
        this.edge = upstreams;
    }

    /**
     * Delivers the INVITE of a call that ended while the phone was waking, and cancels it at once
     * (the bucket's {@link PushBucket.Forwarder}): a branch of its own, whose answers go nowhere since
     * the caller's transaction is over.
     */
    public void forwardHeldThenCancel(PushBucket.Held held, Binding binding, String reason) {
        SipRequest copy = held.request().copy();
        Flow flow = targetBinding(copy, binding);
        if (copy.requestUri() == null) return;
        ResponseContext late = new ResponseContext(held.branch().context().server(), held.branch().context().original())
                .onOrphanAnswer(this::hangUpOrphanAnswer);
        forwardBranch(late, copy, held.inbound(), flow, null);
        late.noMoreBranches();
        late.cancel(reason);
    }

    /**
     * The late phone answered 2xx before the CANCEL reached it (it sent no provisional response, so no CANCEL
     * could be sent, RFC 3261 §9.1): nobody is on the other end, so sipwake completes the dialog the phone
     * created and ends it at once, ACK then BYE, along the dialog's route set, over the flow the INVITE used.
     */
    private void hangUpOrphanAnswer(ResponseContext.Branch branch, SipResponse ok) {
        ClientTransaction tx = branch.transaction();
        Flow flow = tx == null ? null : tx.flow();
        List<NameAddress> contacts = ok.contacts();
        if (flow == null || contacts.isEmpty()) {
            log.warn("cannot end the dialog of a late answer to {}: no contact or flow", ok.callId());
            return;
        }
        ListeningPoint lp = transport.listeningPoint(flow.transport());
        if (lp == null) return;
        List<String> routes = new ArrayList<>();
        List<NameAddress> recordRoutes = ok.recordRoutes();
        for (int i = recordRoutes.size() - 1; i >= 0; i--) { // §12.1.2: the UAC's route set is the Record-Route reversed
            SipUri rr = recordRoutes.get(i).sipUri();
            if (rr == null || !local.isLocal(rr)) routes.add(recordRoutes.get(i).toString());
        }
        SipRequest invite = branch.request();
        long cseq = invite.cseq().number();
        for (String method : List.of("ACK", "BYE")) {
            List<io.sipwake.sip.message.Header> headers = new ArrayList<>();
            headers.add(new io.sipwake.sip.message.Header(HeaderNames.VIA, new Via(flow.transport().viaName(), lp.host(), lp.port(),
                    io.sipwake.sip.message.Parameters.of("branch", LoopDetection.randomBranch()).with("rport", null)).toString()));
            headers.add(new io.sipwake.sip.message.Header(HeaderNames.MAX_FORWARDS, "70"));
            for (String route : routes) headers.add(new io.sipwake.sip.message.Header(HeaderNames.ROUTE, route));
            headers.add(new io.sipwake.sip.message.Header(HeaderNames.FROM, invite.header(HeaderNames.FROM)));
            headers.add(new io.sipwake.sip.message.Header(HeaderNames.TO, ok.header(HeaderNames.TO)));
            headers.add(new io.sipwake.sip.message.Header(HeaderNames.CALL_ID, ok.callId()));
            headers.add(new io.sipwake.sip.message.Header(HeaderNames.CSEQ, (method.equals("ACK") ? cseq : cseq + 1) + " " + method));
            headers.add(new io.sipwake.sip.message.Header(HeaderNames.REASON, PushBucket.CALL_CANCELLED));
            headers.add(new io.sipwake.sip.message.Header(HeaderNames.CONTENT_LENGTH, "0"));
            SipRequest request = new SipRequest(method, contacts.get(0).uri(), headers);
            if (method.equals("ACK")) {
                transport.send(request, flow);
            } else {
                transactions.sendRequest(request, flow, new io.sipwake.sip.transaction.ClientTransactionListener() {
                    @Override
                    public void onResponse(ClientTransaction bye, SipResponse response) {}

                    @Override
                    public void onTimeout(ClientTransaction bye) {
                        log.debug("no answer to the BYE ending the late answer to {}", ok.callId());
                    }

                    @Override
                    public void onTransportError(ClientTransaction bye, Throwable cause) {
                        log.debug("BYE ending the late answer to {} not sent: {}", ok.callId(), cause.toString());
                    }
                });
            }
        }
        log.info("late phone answered {} after its caller left: ACK and BYE sent", ok.callId());
    }

    /** Forwards a held request to the binding its device just registered (the bucket's {@link PushBucket.Forwarder}). */
    public void forwardHeld(PushBucket.Held held, Binding binding) {
        if (held.isInDialog()) {
            // §6.2.3: the dialog's Request-URI and Route set stay; only the connection is the device's new one
            Flow flow = binding.flow() == null ? null : Flow.parseToken(binding.flow());
            forwardBranch(held.branch().context(), held.request().copy(), held.inbound(), flow != null && transport.isOpen(flow) ? flow : null,
                    held.branch());
            return;
        }
        SipRequest copy = held.request().copy();
        Flow flow = targetBinding(copy, binding);
        if (copy.requestUri() == null) {
            held.branch().context().branchFailed(held.branch(), 480, "Temporarily Unavailable (bad contact)");
            return;
        }
        forwardBranch(held.branch().context(), copy, held.inbound(), flow, held.branch());
    }

    // ---- requests with a transaction ----

    @Override
    public void onRequest(ServerTransaction tx, SipRequest request) {
        metrics.requestReceived(request.method());
        try {
            route(tx, request);
        } catch (SipSyntaxException e) {
            reply(tx, request, 400, "Bad Request (" + e.getMessage() + ")");
        } catch (RuntimeException e) {
            log.error("failed to process {} {}", request.method(), request.callId(), e);
            reply(tx, request, 500, null);
        }
    }

    private void route(ServerTransaction tx, SipRequest request) {
        String method = request.method();
        if (method.equals("CANCEL")) {
            cancel(tx, request);
            return;
        }
        if (method.equals("INVITE")) reply(tx, request, 100, null); // §16.2: 100 at once, no retransmissions from upstream

        // §16.3 request validation
        Uri ruri = request.requestUri();
        if (!(ruri instanceof SipUri) && !ruri.scheme().equals("tel")) {
            replyWith(tx, request, 416, null, HeaderNames.ALLOW, null);
            return;
        }
        int maxForwards = request.maxForwards();
        boolean toUs = ruri instanceof SipUri s && s.user() == null && local.isLocal(s) && request.routes().isEmpty();
        if (maxForwards == 0 && !(toUs && method.equals("OPTIONS"))) {
            reply(tx, request, 483, null);
            return;
        }
        if (LoopDetection.isLoop(request, local)) {
            reply(tx, request, 482, null);
            return;
        }
        List<String> proxyRequire = request.headerValues(HeaderNames.PROXY_REQUIRE);
        if (!proxyRequire.isEmpty()) {
            replyWith(tx, request, 420, null, HeaderNames.UNSUPPORTED, String.join(", ", proxyRequire));
            return;
        }

        // §16.4 route information preprocessing, on a copy: the transaction keeps the request as received
        SipRequest received = request;
        request = received.copy();
        preprocessRoutes(request);
        SipUri ownRoute = popOwnRoutes(request);
        ruri = request.requestUri();
        boolean inDialog = request.to().tag() != null;
        if (inDialog && ownRoute != null && holdForPurr(tx, received, request, ownRoute)) return;
        if (!request.routes().isEmpty()) {
            if (ownRoute != null || relay) {
                forwardAlongRoute(tx, received, request, ownRoute); // in-dialog Route set through us, or pre-loaded
            } else {
                refuseRelay(tx, request);
            }
            return;
        }
        if (!(ruri instanceof SipUri target)) {
            reply(tx, request, 404, "Not Found (no route for " + ruri.scheme() + " URI)");
            return;
        }
        if (inDialog) {
            // §16.5: the Request-URI of an in-dialog request is the remote target, never looked up again
            if (local.isLocal(target)) {
                reply(tx, request, 481, null);
            } else if (ownRoute != null || relay) {
                forwardAlongRoute(tx, received, request, ownRoute);
            } else {
                refuseRelay(tx, request); // a dialog we did not record-route
            }
            return;
        }
        EdgeUpstreams upstreams = edge;
        if (upstreams != null) {
            if (method.equals("REGISTER")) {
                Upstream upstream = request.to().sipUri() == null ? null : upstreams.forDomain(request.to().sipUri().host());
                if (upstream != null) {
                    completeRegistration(tx, request, edgeRegistrar.register(request, tx.flow(), upstream));
                    return;
                }
            } else {
                EdgeKeys.Key key = edgeKey(ownRoute, target);
                if (key != null) {
                    forwardToEdgeDevice(tx, received, request, key, target); // the upstream routed a call back to a phone
                    return;
                }
            }
        }
        boolean ours = local.isLocal(target) || localDomain.test(target.host());
        if (method.equals("REGISTER") && ours) {
            register(tx, request);
        } else if (target.user() == null && ours) {
            answerAsServer(tx, request); // addressed to the server itself
        } else if (upstreams != null && routeAtEdge(tx, received, request, target, upstreams)) {
            return;
        } else if (ours) {
            forwardToBindings(tx, received, request, target);
        } else if (relay) {
            forwardAlongRoute(tx, received, request, ownRoute); // not ours: act as an outbound proxy towards the Request-URI
        } else {
            refuseRelay(tx, request);
        }
    }

    /** Without {@code relay}, sipwake is no open relay: it only routes to its own users and along dialogs it record-routed. */
    private void refuseRelay(ServerTransaction tx, SipRequest request) {
        log.debug("not relaying {} {} from {}", request.method(), request.requestUri(), tx.flow());
        reply(tx, request, 403, "Forbidden (relaying not allowed)");
    }

    /** §16.4: a Request-URI we put in a Record-Route came from a strict router; a top Route naming us is removed. */
    private void preprocessRoutes(SipRequest request) {
        if (request.requestUri() instanceof SipUri r && local.isLocal(r) && r.user() == null && !request.routes().isEmpty()
                && (r.hasParam("lr") || r.hasParam("sw-a"))) {
            List<NameAddress> routes = request.routes();
            request.setRequestUri(routes.get(routes.size() - 1).uri());
            removeLastRoute(request);
        }
    }

    /** Removes our own Route entries from the top; returns the first one removed, or null. */
    private SipUri popOwnRoutes(SipRequest request) {
        SipUri first = null;
        while (true) {
            List<NameAddress> routes = request.routes();
            if (routes.isEmpty()) return first;
            SipUri top = routes.get(0).sipUri();
            if (top == null || !local.isLocal(top)) return first;
            request.removeFirstValue(HeaderNames.ROUTE);
            if (first == null) first = top;
        }
    }

    private static void removeLastRoute(SipRequest request) {
        List<String> values = request.headerValues(HeaderNames.ROUTE);
        request.removeHeader(HeaderNames.ROUTE);
        for (int i = 0; i < values.size() - 1; i++) request.addHeader(HeaderNames.ROUTE, values.get(i));
    }

    private void answerAsServer(ServerTransaction tx, SipRequest request) {
        switch (request.method()) {
            case "OPTIONS" -> {
                List<String> require = request.headerValues(HeaderNames.REQUIRE);
                if (!require.isEmpty()) {
                    replyWith(tx, request, 420, null, HeaderNames.UNSUPPORTED, String.join(", ", require));
                    return;
                }
                SipResponse r = request.createResponse(200, null, localTag(request));
                r.addHeader(HeaderNames.ALLOW, ALLOW);
                r.addHeader(HeaderNames.ACCEPT, "application/sdp");
                r.addHeader(HeaderNames.SUPPORTED, "path, outbound");
                r.addHeader(HeaderNames.SERVER, "sipwake");
                send(tx, request, r);
            }
            case "REGISTER" -> register(tx, request);
            case "BYE", "UPDATE", "INFO", "PRACK", "NOTIFY" -> reply(tx, request, 481, null); // no such dialog here
            default -> {
                // §8.2.1: 405 for a method we know but do not accept here, 501 for one we do not know
                boolean known = Set.of("INVITE", "MESSAGE", "SUBSCRIBE", "REFER", "PUBLISH").contains(request.method());
                replyWith(tx, request, known ? 405 : 501, null, HeaderNames.ALLOW, ALLOW);
            }
        }
    }

    private void register(ServerTransaction tx, SipRequest request) {
        completeRegistration(tx, request, registrar.register(request, tx.flow()));
    }

    /** Sends a registrar's answer (ours or an upstream's) and releases what the bucket held for the phone. */
    private void completeRegistration(ServerTransaction tx, SipRequest request, CompletableFuture<SipResponse> answer) {
        answer.whenComplete((response, error) -> {
            if (error != null) {
                log.error("REGISTER {} failed", request.callId(), error);
                metrics.registration("error", pushProvider(request));
                reply(tx, request, 500, null);
                return;
            }
            send(tx, request, response);
            int status = response.status();
            metrics.registration(response.isSuccess() ? "accepted" : status == 401 || status == 407 ? "challenged" : "rejected",
                    pushProvider(request));
            PushBucket push = bucket;
            if (push != null && request.to().sipUri() != null) {
                String aor = Registrar.addressOfRecord(request.to().sipUri());
                if (response.isSuccess()) {
                    // RFC 8599 §5.6.2: the registrar accepted the phone; what was held for it goes now, after the 2xx
                    push.registered(aor, locations.lookup(aor));
                } else if (status >= 300 && status != 401 && status != 407 && status != 423) {
                    push.registrationRefused(aor, attemptedBindings(aor, request, tx.flow()), status);
                }
            }
        });
    }

    /** The push provider a REGISTER's Contacts name, for metrics: {@code none} without push parameters. */
    private static String pushProvider(SipRequest register) {
        if (!register.hasHeader(HeaderNames.CONTACT) || register.isContactWildcard()) return "none";
        try {
            for (NameAddress contact : register.contacts()) {
                if (io.sipwake.proxy.push.PushParameterParser.parse(contact) instanceof io.sipwake.proxy.push.PushParameterParser.Push p) {
                    return p.parameters().provider();
                }
            }
        } catch (RuntimeException e) {
            return "none"; // a malformed Contact was answered 400 already
        }
        return "none";
    }

    /** The bindings a refused REGISTER's Contacts would have made, to find what the bucket holds for them. */
    private static List<Binding> attemptedBindings(String aor, SipRequest request, Flow source) {
        if (!request.hasHeader(HeaderNames.CONTACT) || request.isContactWildcard()) return List.of();
        long now = System.currentTimeMillis();
        List<Binding> attempted = new ArrayList<>();
        try {
            for (NameAddress contact : request.contacts()) attempted.add(Registrar.bindingFor(aor, contact, request, source, null, now, now));
        } catch (IllegalArgumentException e) {
            return attempted; // a malformed Contact matches nothing held
        }
        return attempted;
    }

    /** §16.5 and §16.6: one branch per registered contact of the AOR, in parallel. */
    private void forwardToBindings(ServerTransaction tx, SipRequest received, SipRequest request, SipUri target) {
        String aor = Registrar.addressOfRecord(target);
        List<Binding> bindings = locations.lookup(aor);
        if (bindings.isEmpty()) {
            if (knownAor.test(aor)) {
                reply(tx, request, 480, "Temporarily Unavailable (not registered)");
            } else {
                reply(tx, request, 404, null);
            }
            return;
        }
        forwardToBindings(tx, received, request, aor, bindings);
    }

    // ---- RFC 8599 §6: mid-dialog requests for a sleeping phone ----

    /**
     * §6.2.3: a mid-dialog request towards a phone whose connection is gone, carrying a PURR (in the Request-URI, or
     * a Route after ours) that names a push binding: held and the phone pushed; or, when the phone has registered on
     * a new connection since, sent over that one. False when the request routes as usual.
     */
    private boolean holdForPurr(ServerTransaction tx, SipRequest received, SipRequest request, SipUri ownRoute) {
        PushBucket push = bucket;
        io.sipwake.proxy.push.PurrRegistry registry = purrs;
        if (push == null || registry == null) return false;
        String purr = purrOf(request);
        if (purr == null || recordRouting.flowFor(ownRoute, tx.flow()) != null) return false; // no PURR, or the phone's flow is open
        io.sipwake.proxy.push.PurrRegistry.Owner owner = registry.resolve(purr);
        if (owner == null) return false; // expired, or issued before a restart: route as usual
        Binding binding = null;
        for (Binding b : locations.lookup(owner.aor())) {
            if (b.bindingKey().equals(owner.bindingKey())) binding = b;
        }
        PushParameters device = binding == null ? null : Registrar.pushParameters(binding);
        if (device == null) return false;
        ResponseContext context = newContext(tx, received);
        tx.attach(context);
        Flow registered = binding.flow() == null ? null : Flow.parseToken(binding.flow());
        if (registered != null && transport.isOpen(registered)) {
            forwardBranch(context, request.copy(), tx.flow(), registered, null); // awake on a new connection
        } else {
            push.holdInDialog(owner.aor(), binding, device, context, request.copy(), tx.flow());
        }
        context.noMoreBranches();
        return true;
    }

    /** The PURR of a mid-dialog request: a {@code pn-purr} parameter of its Request-URI or of a Route entry. */
    private static String purrOf(SipRequest request) {
        if (request.requestUri() instanceof SipUri u && u.param(PushParameters.PURR) != null) return u.param(PushParameters.PURR);
        for (NameAddress route : request.routes()) {
            if (route.uri() instanceof SipUri r && r.param(PushParameters.PURR) != null) return r.param(PushParameters.PURR);
        }
        return null;
    }

    // ---- edge mode ----

    /** The phone a request from an upstream is for: the key in our Path entry (Path mode) or in the Request-URI (Contact rewriting). */
    private EdgeKeys.Key edgeKey(SipUri ownRoute, SipUri target) {
        if (ownRoute != null && ownRoute.user() != null) {
            EdgeKeys.Key key = EdgeKeys.parse(ownRoute.user());
            if (key != null) return key;
        }
        return local.isLocal(target) ? EdgeKeys.parse(target.user()) : null;
    }

    /**
     * A request an upstream routed back to one phone. When sipwake no longer has that phone's binding (it
     * lapsed) but the Request-URI still carries its push parameters (Path mode, RFC 8599 §5.6.2), the phone
     * is pushed with them all the same.
     */
    private void forwardToEdgeDevice(ServerTransaction tx, SipRequest received, SipRequest request, EdgeKeys.Key key, SipUri target) {
        List<Binding> device = new ArrayList<>();
        for (Binding b : locations.lookup(key.aor())) {
            if (EdgeKeys.deviceOf(b).equals(key.device())) device.add(b);
        }
        if (device.isEmpty() && bucket != null && PushParameters.hasPushParameters(target)) {
            NameAddress contact = NameAddress.of(target);
            device.add(new Binding(key.aor(), Registrar.bindingKey(contact, null, null), contact.toString(), null, null, Binding.NO_Q,
                    request.callId(), 0, System.currentTimeMillis() + 60_000, null, null, null, null, 0));
        }
        if (device.isEmpty()) {
            reply(tx, request, 480, "Temporarily Unavailable (not registered through sipwake)");
            return;
        }
        forwardToBindings(tx, received, request, key.aor(), device);
    }

    /**
     * Edge routing of an initial request that names no phone key: one the upstream sends for one of its users
     * goes to the phones sipwake knows for that AOR (a PBX that routes its users' calls to sipwake, or whose
     * registration of the phone lapsed); one from a phone goes to the phone's upstream, with sipwake as its
     * outbound proxy. Returns false when edge mode has nothing to say about the request.
     */
    private boolean routeAtEdge(ServerTransaction tx, SipRequest received, SipRequest request, SipUri target, EdgeUpstreams upstreams) {
        Upstream sender = upstreams.sentBy(tx.flow());
        if (sender != null) {
            if (target.user() == null || upstreams.forDomain(target.host()) == null) return false;
            String aor = Registrar.addressOfRecord(target);
            List<Binding> bindings = locations.lookup(aor);
            if (bindings.isEmpty()) {
                reply(tx, request, 480, "Temporarily Unavailable (not registered through sipwake)");
            } else {
                forwardToBindings(tx, received, request, aor, bindings);
            }
            return true;
        }
        SipUri from = request.from().sipUri();
        Upstream upstream = from == null ? null : upstreams.forDomain(from.host());
        if (upstream == null) upstream = upstreams.forDomain(target.host());
        if (upstream == null) return false;
        if (from == null || !registeredFrom(Registrar.addressOfRecord(from), tx.flow())) {
            // the upstream may trust sipwake's address: only phones that registered through sipwake use it as outbound proxy
            reply(tx, request, 403, "Forbidden (register through this proxy first)");
            return true;
        }
        SipRequest toUpstream = request.copy();
        toUpstream.addHeaderFirst(HeaderNames.ROUTE, NameAddress.of(upstream.uri().withParam("lr", null)).toString());
        forwardAlongRoute(tx, received, toUpstream, null);
        return true;
    }

    /** Whether {@code aor} has a binding registered from the address {@code flow} comes from. */
    private boolean registeredFrom(String aor, Flow flow) {
        String ip = flow.remote().getAddress().getHostAddress();
        for (Binding b : locations.lookup(aor)) {
            if (flow.token().equals(b.flow())) return true;
            String source = b.source(); // "transport:ip:port", or "hook" for a binding a PBX dialplan stored
            int first = source == null ? -1 : source.indexOf(':');
            int last = source == null ? -1 : source.lastIndexOf(':');
            if (first >= 0 && last > first && source.substring(first + 1, last).equals(ip)) return true;
        }
        return false;
    }

    /** §16.5 and §16.6: one branch per binding, in parallel; a sleeping push phone is held while it is pushed. */
    private void forwardToBindings(ServerTransaction tx, SipRequest received, SipRequest request, String aor, List<Binding> bindings) {
        ResponseContext context = newContext(tx, received);
        tx.attach(context);
        PushBucket push = bucket;
        for (Binding binding : bindings) {
            SipRequest copy = request.copy();
            Flow flow = targetBinding(copy, binding);
            if (copy.requestUri() == null) continue;
            PushParameters device = push == null ? null : Registrar.pushParameters(binding);
            if (device != null && !reachableNow(flow)) {
                if (WAKING.contains(request.method())) {
                    push.hold(aor, binding, device, context, copy, tx.flow()); // RFC 8599 §5.6.2: push, then wait for its REGISTER
                } else {
                    ResponseContext.Branch asleep = context.newBranch(copy);
                    if (asleep != null) context.branchFailed(asleep, 480, "Temporarily Unavailable (asleep: only calls and messages wake it)");
                }
            } else {
                forwardBranch(context, copy, tx.flow(), flow, null);
            }
        }
        context.noMoreBranches();
    }

    /**
     * Points {@code copy} at a binding: its Contact as Request-URI and its Path as Route set (RFC
     * 3327 §5.4). Returns the flow to send over (the connection the phone registered on, RFC 5626),
     * or null to route by URI. Leaves the Request-URI null when the stored Contact does not parse.
     */
    private Flow targetBinding(SipRequest copy, Binding binding) {
        NameAddress contact;
        try {
            contact = NameAddress.parse(binding.contact());
        } catch (SipSyntaxException e) {
            log.warn("stored contact of {} does not parse: {}", binding.aor(), e.getMessage());
            copy.setRequestUri(null);
            return null;
        }
        copy.setRequestUri(contact.uri());
        if (binding.path() != null) {
            List<String> path = new ArrayList<>(io.sipwake.sip.message.Lexer.splitList(binding.path()));
            for (int i = path.size() - 1; i >= 0; i--) copy.addHeaderFirst(HeaderNames.ROUTE, path.get(i));
            return null;
        }
        Flow flow = binding.flow() != null ? Flow.parseToken(binding.flow()) : null;
        return flow != null && transport.isOpen(flow) ? flow : null;
    }

    /** A push phone is awake when its connection is open; over UDP nothing says so, and it is pushed. */
    private static boolean reachableNow(Flow flow) {
        return flow != null && flow.transport().isReliable();
    }

    /**
     * Forwards along the Route set or to the Request-URI (pre-loaded routes, in-dialog requests,
     * foreign domains); {@code ownRoute} is the Route entry of ours that was removed, whose flows
     * say which connection an in-dialog request goes back over.
     */
    private void forwardAlongRoute(ServerTransaction tx, SipRequest received, SipRequest request, SipUri ownRoute) {
        Flow flow = ownRoute == null ? null : recordRouting.flowFor(ownRoute, tx.flow());
        ResponseContext context = newContext(tx, received);
        tx.attach(context);
        forwardBranch(context, request.copy(), tx.flow(), flow, null);
        context.noMoreBranches();
    }

    /**
     * §16.6 steps 3-10 for one target; {@code flow} non-null sends over that flow. {@code held} is
     * the branch of a request released from the push bucket, or null for a new branch.
     */
    private void forwardBranch(ResponseContext context, SipRequest copy, Flow inbound, Flow flow, ResponseContext.Branch held) {
        SipRequest original = context.original();
        int mf = copy.maxForwards();
        copy.setHeader(HeaderNames.MAX_FORWARDS, Integer.toString(mf < 0 ? 70 : mf - 1)); // step 3
        stripPrivateParameters(copy);
        ResponseContext.Branch branch = held != null ? held.withRequest(copy) : context.newBranch(copy);
        if (branch == null) return;
        CompletableFuture<NextHop> hop = flow != null ? CompletableFuture.completedFuture(NextHop.viaFlow(flow)) : nextHop(copy);
        hop.whenComplete((next, error) -> {
            if (error != null) {
                log.info("no route for {} {}: {}", copy.method(), copy.requestUri(), error.getMessage());
                context.branchFailed(branch, 404, "Not Found (no route)");
                return;
            }
            boolean initial = original.to().tag() == null;
            if (initial && DIALOG_CREATING.contains(copy.method())) {
                recordRouting.add(copy, inbound, next.transport(), next.flow()); // step 4
            }
            ListeningPoint lp = transport.listeningPoint(next.transport());
            if (lp == null) {
                context.branchFailed(branch, 503, "Service Unavailable (transport " + next.transport() + " not enabled)");
                return;
            }
            Via via = new Via(next.transport().viaName(), lp.host(), lp.port(),
                    io.sipwake.sip.message.Parameters.of("branch", LoopDetection.branch(original)).with("rport", null));
            copy.addHeaderFirst(HeaderNames.VIA, via.toString()); // step 8
            ClientTransaction ctx = next.flow() != null
                    ? transactions.sendRequest(copy, next.flow(), branch)
                    : transactions.sendRequest(copy, next.transport(), next.address(), branch);
            branch.bind(ctx);
        });
    }

    private CompletableFuture<NextHop> nextHop(SipRequest request) {
        List<NameAddress> routes = request.routes();
        Uri target = routes.isEmpty() ? request.requestUri() : routes.get(0).uri();
        if (!(target instanceof SipUri uri)) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("cannot route to " + target.scheme() + " URI"));
        }
        if (!routes.isEmpty() && !uri.isLooseRouter()) {
            // §16.6 step 6: a strict router next hop gets the Request-URI, which goes to the end of the Route set
            request.addHeader(HeaderNames.ROUTE, NameAddress.of(request.requestUri()).toString());
            request.setRequestUri(uri);
            request.removeFirstValue(HeaderNames.ROUTE);
        }
        return resolver.resolve(uri);
    }

    /**
     * RFC 8599 §13: push parameters of a registered contact never go to other parties: not in the
     * Request-URI, nor in the Contact of a request a phone sends (Linphone puts its token there).
     */
    private static void stripPrivateParameters(SipRequest request) {
        if (request.requestUri() instanceof SipUri u) request.setRequestUri(PushParameters.stripFrom(u));
        if (!request.isMethod("REGISTER")) PushParameters.stripFromContacts(request);
    }

    // ---- CANCEL (§16.10) ----

    private void cancel(ServerTransaction tx, SipRequest cancel) {
        ServerTransaction invite = transactions.findInviteServerTransaction(cancel);
        if (invite == null || !(invite.attachment() instanceof ResponseContext context)) {
            reply(tx, cancel, 481, null);
            return;
        }
        reply(tx, cancel, 200, null);
        context.cancel(cancel.header(HeaderNames.REASON));
    }

    // ---- messages without a transaction ----

    /** ACK for a 2xx (RFC 3261 §13.2.2.4): a new transaction-less request routed end to end by its Route set. */
    @Override
    public void onAck(SipRequest ack, Flow source) {
        metrics.requestReceived("ACK");
        try {
            if (ack.maxForwards() == 0) return;
            preprocessRoutes(ack);
            SipUri ours = popOwnRoutes(ack);
            if (ours == null && !relay) return; // not a dialog we record-routed
            Flow flow = ours == null ? null : recordRouting.flowFor(ours, source);
            int mf = ack.maxForwards();
            ack.setHeader(HeaderNames.MAX_FORWARDS, Integer.toString(mf < 0 ? 70 : mf - 1));
            stripPrivateParameters(ack);
            CompletableFuture<NextHop> hop = flow != null ? CompletableFuture.completedFuture(NextHop.viaFlow(flow)) : nextHop(ack);
            hop.whenComplete((next, error) -> {
                if (error != null) {
                    log.debug("dropping ACK {}: {}", ack.callId(), error.getMessage());
                    return;
                }
                ListeningPoint lp = transport.listeningPoint(next.transport());
                if (lp == null) return;
                Via via = new Via(next.transport().viaName(), lp.host(), lp.port(),
                        io.sipwake.sip.message.Parameters.of("branch", LoopDetection.randomBranch()).with("rport", null));
                ack.addHeaderFirst(HeaderNames.VIA, via.toString());
                if (next.flow() != null) {
                    transport.send(ack, next.flow());
                } else {
                    transport.send(ack, next.transport(), next.address());
                }
            });
        } catch (SipSyntaxException e) {
            log.debug("dropping malformed ACK: {}", e.getMessage());
        }
    }

    /**
     * A response no client transaction claims, typically a 2xx retransmission after the INVITE
     * transaction ended: forwarded statelessly by its next Via (§16.11) when the top Via is ours.
     */
    @Override
    public void onStrayResponse(SipResponse response, Flow source) {
        Via top = response.topVia();
        if (top == null || !local.isLocal(top) || !response.isSuccess()) return;
        SipResponse copy = response.copy();
        copy.removeFirstValue(HeaderNames.VIA);
        Via next = copy.topVia();
        if (next == null) return;
        Transport t = Transport.fromName(next.transport());
        String host = next.received() != null ? next.received() : next.host();
        if (host.startsWith("[")) host = host.substring(1, host.length() - 1);
        if (t == null || !NextHopResolver.isLiteral(host)) return; // never block on DNS for a retransmission
        int port = next.rport() > 0 ? next.rport() : next.port() >= 0 ? next.port() : t.defaultPort();
        transport.sendResponse(copy, new Flow(t, null, new InetSocketAddress(host, port), 0));
    }

    // ---- helpers ----

    private void reply(ServerTransaction tx, SipRequest request, int status, String reason) {
        replyWith(tx, request, status, reason, null, null);
    }

    private void replyWith(ServerTransaction tx, SipRequest request, int status, String reason, String header, String value) {
        SipResponse r = request.createResponse(status, reason, status > 100 ? localTag(request) : null);
        if (header != null) r.addHeader(header, value == null ? ALLOW : value);
        send(tx, request, r);
    }

    private void send(ServerTransaction tx, SipRequest request, SipResponse response) {
        tx.sendResponse(response);
        metrics.responseSent(request.method(), response.status());
    }

    /** The response context of a request, reporting the responses it sends upstream to the metrics. */
    private ResponseContext newContext(ServerTransaction tx, SipRequest received) {
        String method = received.method();
        return new ResponseContext(tx, received).observeResponses(r -> metrics.responseSent(method, r.status()));
    }

    private static String localTag(SipRequest request) {
        return Integer.toHexString(request.callId().hashCode() ^ 0x5a5a5a5a);
    }
}
