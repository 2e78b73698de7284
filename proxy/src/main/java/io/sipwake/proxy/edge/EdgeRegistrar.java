package io.sipwake.proxy.edge;

import io.sipwake.proxy.location.LocationService;
import io.sipwake.proxy.push.PurrRegistry;
import io.sipwake.proxy.push.PushParameterParser;
import io.sipwake.proxy.push.PushParameters;
import io.sipwake.proxy.push.RegisterPushRules;
import io.sipwake.proxy.registrar.Registrar;
import io.sipwake.proxy.routing.LoopDetection;
import io.sipwake.proxy.routing.NextHop;
import io.sipwake.proxy.routing.NextHopResolver;
import io.sipwake.sip.message.HeaderNames;
import io.sipwake.sip.message.NameAddress;
import io.sipwake.sip.message.Parameters;
import io.sipwake.sip.message.SipMessage;
import io.sipwake.sip.message.SipRequest;
import io.sipwake.sip.message.SipResponse;
import io.sipwake.sip.message.SipSyntaxException;
import io.sipwake.sip.message.SipUri;
import io.sipwake.sip.message.Via;
import io.sipwake.sip.transaction.ClientTransaction;
import io.sipwake.sip.transaction.ClientTransactionListener;
import io.sipwake.sip.transaction.TransactionLayer;
import io.sipwake.sip.transport.Flow;
import io.sipwake.sip.transport.ListeningPoint;
import io.sipwake.sip.transport.SipTransport;
import io.sipwake.sip.transport.Transport;
import io.sipwake.store.Binding;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Edge mode's registration path: a phone's REGISTER is forwarded to its upstream registrar/PBX, which
 * authenticates it (challenges and credentials pass through untouched: sipwake never needs the phone's
 * password), and only the upstream's 2xx makes sipwake store the phone's binding (RFC 8599 §5.6.2: the
 * registrar authorised the UA).
 *
 * <p>On the way up the RFC 8599 §5.6.1 rules apply as for any push proxy: {@code Feature-Caps: *;+sip.pns}
 * is added to the forwarded REGISTER of a provider sipwake supports, skipped when a proxy nearer the phone
 * already added one, and an unsupported provider is forwarded unless configuration says to answer 555. The
 * upstream learns how to reach the phone through sipwake either from a {@code Path} (RFC 3327) or from the
 * Contact itself, rewritten to {@code sip:<key>@sipwake} ({@link EdgeKeys}). On the way down the 2xx gets
 * the Feature-Caps with the binding's PURR, and rewritten Contacts are turned back into the phone's own.
 *
 * <p>Never blocks: the upstream's answer and the binding write complete the returned future.
 */
public final class EdgeRegistrar {
    private static final Logger log = LoggerFactory.getLogger(EdgeRegistrar.class);
    /** RFC 8599 §5.5: a refresh push goes at least 120 s before expiry; a shorter binding cannot be kept by push. */
    static final long SHORTEST_PUSH_BINDING_SECONDS = 121;
    /** Contact header parameters that mean something to the registrar, kept on a rewritten Contact. */
    private static final Set<String> KEPT_CONTACT_PARAMS = Set.of("expires", "q", "+sip.instance");

    private final TransactionLayer transactions;
    private final SipTransport transport;
    private final LocationService locations;
    private final RegisterPushRules pushRules; // null when sipwake pushes to no provider
    private final PurrRegistry purrs;
    private final NextHopResolver resolver;
    private final Clock clock;
    private final Duration lapsedPushRetention;

    /**
     * @param pushRules           RFC 8599 §5.6.1 rules, or null when no push provider is configured
     * @param lapsedPushRetention how long a push binding outlives the upstream's registration, so that a call
     *                            the PBX still sends to sipwake wakes the phone
     */
    public EdgeRegistrar(TransactionLayer transactions, SipTransport transport, LocationService locations,
            RegisterPushRules pushRules, PurrRegistry purrs, NextHopResolver resolver, Clock clock, Duration lapsedPushRetention) {
        this.transactions = transactions;
        this.transport = transport;
        this.locations = locations;
        this.pushRules = pushRules;
        this.purrs = purrs;
        this.resolver = resolver;
        this.clock = clock;
        this.lapsedPushRetention = lapsedPushRetention;
    }

    /**
     * Forwards {@code request} (the REGISTER as received, without Route entries naming sipwake) from a phone
     * on {@code source} to {@code upstream}; the future holds the response to send the phone.
     */
    public CompletableFuture<SipResponse> register(SipRequest request, Flow source, Upstream upstream) {
        try {
            return forward(request, source, upstream);
        } catch (Refused e) {
            return CompletableFuture.completedFuture(e.response);
        } catch (SipSyntaxException e) {
            return CompletableFuture.completedFuture(reply(request, 400, "Bad Request (" + e.getMessage() + ")"));
        }
    }

    /** What sipwake will do with each Contact once the upstream has answered. */
    private record Pending(NameAddress original, Binding binding, Binding withoutPush, String key, boolean push) {}

    private CompletableFuture<SipResponse> forward(SipRequest request, Flow source, Upstream upstream) {
        SipUri toUri = request.to().sipUri();
        if (toUri == null || toUri.user() == null) return done(reply(request, 400, "Bad Request (To is not a SIP address-of-record)"));
        String aor = Registrar.addressOfRecord(toUri);
        long headerExpires = request.expires();
        RegisterPushRules.Outcome push = new RegisterPushRules.Outcome.NotPush();
        if (pushRules != null && request.hasHeader(HeaderNames.CONTACT) && !request.isContactWildcard()) {
            push = pushRules.examineAsProxy(request, request.contacts(), c -> requestedExpires(c, headerExpires), upstream.rejectUnsupported());
            if (push instanceof RegisterPushRules.Outcome.Refuse refuse) {
                log.info("REGISTER {} refused with {} before forwarding to {}", aor, refuse.status(), upstream);
                SipResponse r = reply(request, refuse.status(), refuse.reason());
                if (refuse.minExpires() != null) r.addHeader(HeaderNames.MIN_EXPIRES, Long.toString(refuse.minExpires()));
                for (String caps : refuse.featureCaps()) r.addHeader(HeaderNames.FEATURE_CAPS, caps);
                return done(r);
            }
        }
        boolean pushRegistration = push instanceof RegisterPushRules.Outcome.Register;
        long now = clock.millis();
        List<Pending> pending = pending(request, source, aor, pushRegistration, now);

        SipRequest out = request.copy();
        int mf = out.maxForwards();
        out.setHeader(HeaderNames.MAX_FORWARDS, Integer.toString(mf < 0 ? 70 : mf - 1));
        List<String> requestCaps = List.of();
        if (push instanceof RegisterPushRules.Outcome.Register register) {
            requestCaps = RegisterPushRules.requestFeatureCaps(register.devices()); // §5.6.1.1
        } else if (push instanceof RegisterPushRules.Outcome.Query query) {
            requestCaps = query.requestFeatureCaps(); // §5.6.1.2
        }
        for (String caps : requestCaps) out.addHeader(HeaderNames.FEATURE_CAPS, caps);
        List<String> responseCaps = push instanceof RegisterPushRules.Outcome.Query query ? query.featureCaps() : List.of();
        boolean withPnsreg = push instanceof RegisterPushRules.Outcome.Register r && r.withPnsreg();

        CompletableFuture<SipResponse> answer = new CompletableFuture<>();
        resolver.resolve(upstream.uri()).whenComplete((next, error) -> {
            if (error != null) {
                log.warn("cannot reach upstream {} for REGISTER {}: {}", upstream, aor, error.getMessage());
                answer.complete(reply(request, 503, "Service Unavailable (upstream registrar unreachable)"));
                return;
            }
            ListeningPoint lp = transport.listeningPoint(next.transport());
            if (lp == null) {
                answer.complete(reply(request, 503, "Service Unavailable (transport " + next.transport() + " not enabled)"));
                return;
            }
            if (upstream.mode() == Upstream.Mode.PATH) {
                addPath(out, lp, pending);
            } else {
                rewriteContacts(out, lp, pending);
            }
            out.addHeaderFirst(HeaderNames.VIA, new Via(next.transport().viaName(), lp.host(), lp.port(),
                    Parameters.of("branch", LoopDetection.branch(request)).with("rport", null)).toString());
            transactions.sendRequest(out, next.transport(), next.address(), new ClientTransactionListener() {
                @Override
                public void onResponse(ClientTransaction tx, SipResponse response) {
                    if (response.status() < 200) return;
                    answered(request, aor, upstream, response, pending, pushRegistration, withPnsreg, responseCaps)
                            .whenComplete((r, e) -> {
                                if (e != null) {
                                    answer.completeExceptionally(e);
                                } else {
                                    answer.complete(r);
                                }
                            });
                }

                @Override
                public void onTimeout(ClientTransaction tx) {
                    log.warn("upstream {} did not answer REGISTER {} ({})", upstream, aor, request.callId());
                    answer.complete(reply(request, 408, "Request Timeout (upstream registrar did not answer)"));
                }

                @Override
                public void onTransportError(ClientTransaction tx, Throwable cause) {
                    log.warn("cannot send REGISTER {} to upstream {}: {}", aor, upstream, cause.toString());
                    answer.complete(reply(request, 503, "Service Unavailable (upstream registrar unreachable)"));
                }
            });
        });
        return answer;
    }

    /** The bindings the REGISTER's Contacts will make if the upstream accepts them (expiry set on the 2xx). */
    private List<Pending> pending(SipRequest request, Flow source, String aor, boolean pushRegistration, long now) {
        if (!request.hasHeader(HeaderNames.CONTACT) || request.isContactWildcard()) return List.of();
        String path = request.hasHeader(HeaderNames.PATH) ? String.join(", ", request.headerValues(HeaderNames.PATH)) : null;
        List<Pending> pending = new ArrayList<>();
        for (NameAddress contact : request.contacts()) {
            if (!(contact.uri() instanceof SipUri)) throw new Refused(reply(request, 400, "Bad Request (Contact must be a SIP URI)"));
            boolean push = pushRegistration && PushParameterParser.parse(contact) instanceof PushParameterParser.Push;
            // A Contact sipwake will not push for keeps no push parameters here: the bucket must never act on it.
            Binding plain;
            try {
                plain = Registrar.bindingFor(aor, PushParameters.stripFrom(contact), request, source, path, now, now);
            } catch (IllegalArgumentException e) {
                throw new Refused(reply(request, 400, "Bad Request (" + e.getMessage() + ")"));
            }
            Binding b = push ? Registrar.bindingFor(aor, contact, request, source, path, now, now) : plain;
            pending.add(new Pending(contact, b, plain, EdgeKeys.keyOf(b), push));
        }
        return pending;
    }

    /** Path mode (RFC 3327 §5.1): our Path entry, with the first device's key, and {@code Supported: path}. */
    private static void addPath(SipRequest out, ListeningPoint lp, List<Pending> pending) {
        String user = pending.isEmpty() ? null : pending.get(0).key();
        out.addHeaderFirst(HeaderNames.PATH, NameAddress.of(ourUri(user, lp).withParam("lr", null)).toString());
        Set<String> supported = new LinkedHashSet<>();
        for (String s : out.headerValues(HeaderNames.SUPPORTED)) supported.add(s.trim());
        if (supported.stream().noneMatch(s -> s.equalsIgnoreCase("path"))) {
            out.addHeader(HeaderNames.SUPPORTED, "path");
        }
    }

    /**
     * Contact-rewriting mode: each Contact becomes {@code sip:<key>@sipwake}, keeping only the parameters the
     * registrar needs (expires, q, +sip.instance); no push parameter, reg-id or feature tag goes upstream.
     */
    private static void rewriteContacts(SipRequest out, ListeningPoint lp, List<Pending> pending) {
        if (pending.isEmpty()) return; // Contact: * or no Contact (a fetch) goes as it is
        out.removeHeader(HeaderNames.CONTACT);
        for (Pending p : pending) {
            Parameters kept = Parameters.empty();
            for (var e : p.original().params().entries()) {
                if (KEPT_CONTACT_PARAMS.contains(e.getKey().toLowerCase(Locale.ROOT))) kept = kept.with(e.getKey(), e.getValue());
            }
            out.addHeader(HeaderNames.CONTACT, new NameAddress(null, ourUri(p.key(), lp), kept).toString());
        }
    }

    private static SipUri ourUri(String user, ListeningPoint lp) {
        SipUri u = SipUri.of(user, lp.host(), lp.port());
        return lp.transport() == Transport.UDP ? u : u.withParam("transport", lp.transport().uriParam());
    }

    /** The upstream's final answer: on 2xx store the bindings, then hand the phone the response. */
    private CompletableFuture<SipResponse> answered(SipRequest request, String aor, Upstream upstream, SipResponse received,
            List<Pending> pending, boolean pushRegistration, boolean withPnsreg, List<String> responseCaps) {
        SipResponse response = received.copy();
        response.removeFirstValue(HeaderNames.VIA); // our own
        if (!response.isSuccess()) {
            log.debug("upstream {} answered REGISTER {} with {}", upstream, aor, response.status());
            return done(response); // 401/407 challenges reach the phone untouched
        }
        long now = clock.millis();
        List<Binding> granted = new ArrayList<>();
        Set<String> removed = new HashSet<>();
        Set<String> providers = new LinkedHashSet<>();
        boolean wildcard = request.isContactWildcard();
        for (Pending p : pending) {
            long seconds = grantedSeconds(response, p, upstream);
            if (seconds <= 0) {
                removed.add(p.binding().bindingKey());
                continue;
            }
            Binding b = p.binding();
            boolean push = p.push();
            if (push && seconds < pushRules.minExpiresSeconds()) {
                log.warn("upstream {} granted {} s to the push binding of {}, below push.min-expires {} s: the phone may miss calls "
                        + "while asleep; raise the PBX's registration expiry (Asterisk PJSIP aor maximum_expiration and "
                        + "minimum_expiration, Kamailio registrar max_expires and min_expires, FreeSWITCH user variable sip-force-expires)",
                        upstream, seconds, aor, pushRules.minExpiresSeconds());
            }
            if (push && seconds < SHORTEST_PUSH_BINDING_SECONDS) {
                push = false; // §5.6.1.1 on the 2xx: too short to be refreshed by push, so sipwake does not act as push proxy
                b = p.withoutPush();
            }
            long keep = seconds * 1000 + (push ? lapsedPushRetention.toMillis() : 0);
            granted.add(withExpiry(b, now + keep, now));
            if (push) {
                PushParameters parameters = Registrar.pushParameters(b);
                if (parameters != null) providers.add(parameters.provider());
            }
        }
        CompletableFuture<List<Binding>> stored = locations.update(aor, current -> {
            List<Binding> next = new ArrayList<>(wildcard ? List.of() : current);
            next.removeIf(b -> removed.contains(b.bindingKey()));
            for (Binding b : granted) {
                next.removeIf(other -> other.bindingKey().equals(b.bindingKey()) || Registrar.sameDevice(other, b));
                next.add(b);
            }
            return next;
        });
        boolean addCaps = pushRegistration && !providers.isEmpty();
        return stored.handle((bindings, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                log.error("could not store the edge bindings of {}: {}", aor, cause.toString());
                SipResponse r = reply(request, 500, "Server Internal Error (bindings not stored)");
                r.addHeader(HeaderNames.RETRY_AFTER, "5");
                return r;
            }
            if (upstream.mode() == Upstream.Mode.CONTACT_REWRITE) restoreContacts(response, bindings);
            for (String caps : responseCaps) response.addHeader(HeaderNames.FEATURE_CAPS, caps);
            if (addCaps) {
                for (String provider : providers) {
                    Binding first = granted.stream().filter(b -> provider.equals(providerOf(b))).findFirst().orElseThrow();
                    response.addHeader(HeaderNames.FEATURE_CAPS,
                            pushRules.featureCapsFor(provider, purrs.purrFor(aor, first.bindingKey()), withPnsreg)); // §5.4, §6.2.1
                }
            }
            log.debug("REGISTER {} accepted by upstream {}: {} local binding(s)", aor, upstream, bindings.size());
            return response;
        });
    }

    /** The expiry the upstream granted one of our Contacts, in seconds; 0 when its 2xx no longer lists it. */
    private static long grantedSeconds(SipResponse response, Pending p, Upstream upstream) {
        long headerExpires = response.expires();
        for (NameAddress c : response.contacts()) {
            if (!(c.uri() instanceof SipUri u) || !matches(u, p, upstream)) continue;
            String param = c.param("expires");
            if (param != null) return SipMessage.parseDeltaSeconds(param.trim(), "expires parameter");
            return Math.max(0, headerExpires);
        }
        return 0;
    }

    private static boolean matches(SipUri listed, Pending p, Upstream upstream) {
        if (upstream.mode() == Upstream.Mode.CONTACT_REWRITE) return p.key().equals(listed.user());
        SipUri mine = (SipUri) p.original().uri();
        if (listed.toString().equalsIgnoreCase(mine.toString())) return true;
        return java.util.Objects.equals(listed.user(), mine.user()) && listed.host().equalsIgnoreCase(mine.host())
                && portOf(listed) == portOf(mine);
    }

    private static int portOf(SipUri u) {
        return u.port() >= 0 ? u.port() : u.isSecure() ? 5061 : 5060;
    }

    /** Contact-rewriting mode, 2xx: our {@code sip:<key>@sipwake} Contacts become the phones' own again, minus push parameters of others. */
    private static void restoreContacts(SipResponse response, List<Binding> bindings) {
        if (!response.hasHeader(HeaderNames.CONTACT) || response.isContactWildcard()) return;
        List<String> contacts = new ArrayList<>();
        for (NameAddress c : response.contacts()) {
            EdgeKeys.Key key = c.uri() instanceof SipUri u ? EdgeKeys.parse(u.user()) : null;
            Binding local = null;
            if (key != null) {
                for (Binding b : bindings) {
                    if (EdgeKeys.deviceOf(b).equals(key.device())) local = b;
                }
            }
            if (local == null) {
                contacts.add(c.toString());
                continue;
            }
            NameAddress phone = NameAddress.parse(local.contact());
            String expires = c.param("expires");
            contacts.add((expires == null ? phone : phone.withParam("expires", expires)).toString());
        }
        response.removeHeader(HeaderNames.CONTACT);
        for (String c : contacts) response.addHeader(HeaderNames.CONTACT, c);
    }

    private static String providerOf(Binding b) {
        PushParameters p = Registrar.pushParameters(b);
        return p == null ? null : p.provider();
    }

    private static Binding withExpiry(Binding b, long expiresAtMillis, long now) {
        return new Binding(b.aor(), b.bindingKey(), b.contact(), b.instanceId(), b.regId(), b.q(), b.callId(), b.cseq(),
                expiresAtMillis, b.path(), b.flow(), b.source(), b.userAgent(), now);
    }

    private static long requestedExpires(NameAddress contact, long headerExpires) {
        String param = contact.param("expires");
        if (param != null) return SipMessage.parseDeltaSeconds(param.trim(), "expires parameter");
        return headerExpires < 0 ? 3600 : headerExpires;
    }

    private static SipResponse reply(SipRequest request, int status, String reason) {
        SipResponse r = request.createResponse(status, reason, Integer.toHexString(request.callId().hashCode() ^ 0x2b2b2b2b));
        r.addHeader(HeaderNames.SERVER, "sipwake");
        return r;
    }

    private static CompletableFuture<SipResponse> done(SipResponse r) {
        return CompletableFuture.completedFuture(r);
    }

    /** Answers the REGISTER at once instead of forwarding it. */
    private static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient SipResponse response;

        Refused(SipResponse response) {
            super(response.startLine(), null, false, false);
            this.response = response;
        }
    }
}
