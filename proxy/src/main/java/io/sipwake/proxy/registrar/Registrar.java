package io.sipwake.proxy.registrar;

import io.sipwake.proxy.auth.DigestAuthenticator;
import io.sipwake.proxy.location.LocationService;
import io.sipwake.proxy.push.PurrRegistry;
import io.sipwake.proxy.push.PushParameterParser;
import io.sipwake.proxy.push.PushParameters;
import io.sipwake.proxy.push.RegisterPushRules;
import io.sipwake.sip.message.HeaderNames;
import io.sipwake.sip.message.NameAddress;
import io.sipwake.sip.message.SipMessage;
import io.sipwake.sip.message.SipRequest;
import io.sipwake.sip.message.SipResponse;
import io.sipwake.sip.message.SipSyntaxException;
import io.sipwake.sip.message.SipUri;
import io.sipwake.sip.transport.Flow;
import io.sipwake.store.Binding;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone registrar: RFC 3261 §10.3 with digest authentication (RFC 8760), Path (RFC
 * 3327) and the instance and flow identity of RFC 5626.
 *
 * <p>Thread-safe. {@link #register} never blocks: it completes its future once the new bindings
 * are durable, on the location service's writer thread.
 */
public final class Registrar {
    private static final Logger log = LoggerFactory.getLogger(Registrar.class);
    private static final DateTimeFormatter RFC1123 = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
    private static final List<String> SUPPORTED_OPTIONS = List.of("path", "outbound");

    private final RegistrarSettings settings;
    private final LocationService locations;
    private final DigestAuthenticator authenticator; // null when authentication is off
    private final RegisterPushRules pushRules; // null when no push provider is configured
    private final PurrRegistry purrs;
    private final Clock clock;
    private final String toTagSeed = Long.toHexString(Double.doubleToLongBits(Math.random()));

    public Registrar(RegistrarSettings settings, LocationService locations, DigestAuthenticator authenticator, Clock clock) {
        this(settings, locations, authenticator, null, null, clock);
    }

    /**
     * @param pushRules RFC 8599 §5.6.1 handling of push parameters, or null when sipwake pushes to no
     *                  provider (push parameters are then stored as plain Contact parameters)
     * @param purrs     where PURRs are issued (§6.2.1); required with {@code pushRules}
     */
    public Registrar(RegistrarSettings settings, LocationService locations, DigestAuthenticator authenticator,
            RegisterPushRules pushRules, PurrRegistry purrs, Clock clock) {
        if (settings.requireAuth() && authenticator == null) throw new IllegalArgumentException("authentication required but no authenticator");
        if (pushRules != null && purrs == null) throw new IllegalArgumentException("push rules need a PURR registry");
        this.settings = settings;
        this.locations = locations;
        this.authenticator = settings.requireAuth() ? authenticator : null;
        this.pushRules = pushRules;
        this.purrs = purrs;
        this.clock = clock;
    }

    /** The canonical AOR of a To or Request URI: {@code sip:user@host} (RFC 3261 §10.3 step 5). */
    public static String addressOfRecord(SipUri uri) {
        SipUri aor = uri.toAddressOfRecord();
        // sips: and sip: name the same user; the scheme only constrains how requests reach it
        return aor.isSecure() ? "sip:" + aor.toString().substring(5) : aor.toString();
    }

    /** Processes a REGISTER that arrived over {@code source}; the future holds the response to send. */
    public CompletableFuture<SipResponse> register(SipRequest request, Flow source) {
        try {
            return process(request, source);
        } catch (RegistrationRejected e) {
            return CompletableFuture.completedFuture(e.response);
        } catch (SipSyntaxException e) {
            return CompletableFuture.completedFuture(reply(request, 400, "Bad Request (" + e.getMessage() + ")"));
        }
    }

    private CompletableFuture<SipResponse> process(SipRequest request, Flow source) {
        // §10.3 step 1: is this our domain?
        if (!(request.requestUri() instanceof SipUri target) || !settings.servesDomain(target.host())) {
            return done(reply(request, 404, "Not Found (domain not served here)"));
        }
        // step 2: Require
        List<String> unsupported = new ArrayList<>();
        for (String option : request.headerValues(HeaderNames.REQUIRE)) {
            if (!SUPPORTED_OPTIONS.contains(option.toLowerCase(Locale.ROOT))) unsupported.add(option);
        }
        if (!unsupported.isEmpty()) {
            SipResponse r = reply(request, 420, null);
            r.addHeader(HeaderNames.UNSUPPORTED, String.join(", ", unsupported));
            return done(r);
        }
        // step 5 before 3: an AOR must be a SIP or SIPS URI
        SipUri toUri = request.to().sipUri();
        if (toUri == null || toUri.user() == null) return done(reply(request, 400, "Bad Request (To is not a SIP address-of-record)"));
        String aor = addressOfRecord(toUri);
        // step 3 and 4: authentication and authorisation
        if (authenticator != null) {
            SipResponse denied = authenticate(request, toUri);
            if (denied != null) return done(denied);
        }
        // step 6 and 7: the Contact values
        if (!request.hasHeader(HeaderNames.CONTACT)) {
            return done(okWithBindings(request, locations.lookup(aor)));
        }
        long now = clock.millis();
        RegisterPushRules.Outcome push = new RegisterPushRules.Outcome.NotPush();
        if (pushRules != null && !request.isContactWildcard()) {
            long headerExpires = request.expires();
            push = pushRules.examine(request, request.contacts(), c -> grantedExpires(c, headerExpires));
            if (push instanceof RegisterPushRules.Outcome.Refuse refuse) {
                log.info("REGISTER {} from {} refused with {}: {}", aor, source, refuse.status(),
                        refuse.reason() != null ? refuse.reason() : refuse.status() == 555
                                ? "push provider not supported (supported: " + pushRules.supportedProviders() + ")"
                                : "expiry below push.min-expires");
                SipResponse r = reply(request, refuse.status(), refuse.reason());
                if (refuse.minExpires() != null) r.addHeader(HeaderNames.MIN_EXPIRES, Long.toString(refuse.minExpires()));
                for (String caps : refuse.featureCaps()) r.addHeader(HeaderNames.FEATURE_CAPS, caps);
                return done(r);
            }
            if (push instanceof RegisterPushRules.Outcome.Query query) {
                SipResponse r = okWithBindings(request, locations.lookup(aor)); // §5.6.1.2: no binding is created
                for (String caps : query.featureCaps()) r.addHeader(HeaderNames.FEATURE_CAPS, caps);
                return done(r);
            }
        }
        List<BindingChange> changes = contactChanges(request, source, aor, now);
        boolean pushRegistration = push instanceof RegisterPushRules.Outcome.Register;
        boolean withPnsreg = pushRegistration && ((RegisterPushRules.Outcome.Register) push).withPnsreg();
        CompletableFuture<List<Binding>> stored;
        try {
            stored = locations.update(aor, current -> apply(current, changes, request.callId(), request.cseq().number()));
        } catch (RegistrationRejected e) {
            return done(e.response);
        } catch (OutOfOrder e) {
            return done(reply(request, 400, "Bad Request (" + e.getMessage() + ")"));
        }
        return stored.handle((bindings, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                log.error("could not store bindings of {}: {}", aor, cause.toString());
                SipResponse r = reply(request, 500, "Server Internal Error (bindings not stored)");
                r.addHeader(HeaderNames.RETRY_AFTER, "5");
                return r;
            }
            log.debug("REGISTER {} from {}: {} binding(s)", aor, source, bindings.size());
            SipResponse ok = okWithBindings(request, bindings);
            if (pushRegistration) addPushFeatureCaps(ok, aor, changes, withPnsreg);
            return ok;
        });
    }

    private SipResponse authenticate(SipRequest request, SipUri toUri) {
        String authorization = null;
        for (String value : request.headerValues(HeaderNames.AUTHORIZATION)) {
            if (value.regionMatches(true, 0, "Digest", 0, 6)) {
                authorization = value;
                break;
            }
        }
        if (authorization == null) return challenge(request, false);
        DigestAuthenticator.Outcome outcome;
        try {
            outcome = authenticator.verify(request.method(), authorization);
        } catch (IllegalArgumentException e) {
            return reply(request, 400, "Bad Request (malformed Authorization)");
        }
        if (outcome instanceof DigestAuthenticator.Outcome.Stale) return challenge(request, true);
        if (outcome instanceof DigestAuthenticator.Outcome.Rejected rejected) {
            log.info("REGISTER for {} rejected: {}", toUri.toAddressOfRecord(), rejected.reason());
            if (authorization.toLowerCase(Locale.ROOT).contains("realm=") && !rejected.reason().contains("realm")) {
                return reply(request, 403, "Forbidden (bad credentials)");
            }
            return challenge(request, false);
        }
        String user = ((DigestAuthenticator.Outcome.Authenticated) outcome).username();
        if (!user.equals(toUri.userUnescaped())) {
            log.info("user {} may not register {}", user, toUri.toAddressOfRecord());
            return reply(request, 403, "Forbidden (user may not register this address)");
        }
        return null;
    }

    private SipResponse challenge(SipRequest request, boolean stale) {
        SipResponse r = reply(request, 401, null);
        for (String c : authenticator.challenges(stale)) r.addHeader(HeaderNames.WWW_AUTHENTICATE, c);
        return r;
    }

    /** One Contact of the REGISTER: add or refresh (expires > 0) or remove (expires == 0). */
    private record BindingChange(String key, Binding binding, boolean remove) {}

    private List<BindingChange> contactChanges(SipRequest request, Flow source, String aor, long now) {
        long headerExpires = request.expires();
        if (request.isContactWildcard()) {
            // §10.3 step 6: "*" only alone and with Expires: 0
            if (request.headerValues(HeaderNames.CONTACT).size() != 1 || headerExpires != 0) {
                throw new RegistrationRejected(reply(request, 400, "Bad Request (Contact: * needs Expires: 0 and no other Contact)"));
            }
            return List.of(new BindingChange("*", null, true));
        }
        String path = request.hasHeader(HeaderNames.PATH) ? String.join(", ", request.headerValues(HeaderNames.PATH)) : null;
        List<BindingChange> changes = new ArrayList<>();
        for (NameAddress contact : request.contacts()) {
            if (!(contact.uri() instanceof SipUri)) {
                throw new RegistrationRejected(reply(request, 400, "Bad Request (Contact must be a SIP URI)"));
            }
            long expires = requestedExpires(contact, headerExpires);
            if (expires > 0 && expires < settings.minExpires()) {
                SipResponse r = reply(request, 423, null);
                r.addHeader(HeaderNames.MIN_EXPIRES, Integer.toString(settings.minExpires()));
                throw new RegistrationRejected(r);
            }
            expires = Math.min(expires, settings.maxExpires());
            Binding b;
            try {
                b = bindingFor(aor, contact, request, source, path, now + expires * 1000, now);
            } catch (IllegalArgumentException e) {
                throw new RegistrationRejected(reply(request, 400, "Bad Request (" + e.getMessage() + ")"));
            }
            String key = b.bindingKey();
            if (expires == 0) b = null;
            changes.add(new BindingChange(key, b, expires == 0));
        }
        return changes;
    }

    /**
     * The binding a Contact of an accepted REGISTER makes: identity (RFC 5626 instance and reg-id, else the
     * Contact URI), q, the Path it came along and the flow it came over. Shared by the standalone registrar
     * and edge mode, which stores the same bindings once its upstream accepted them.
     *
     * @throws IllegalArgumentException when reg-id or q is malformed
     */
    public static Binding bindingFor(String aor, NameAddress contact, SipRequest request, Flow source, String path,
            long expiresAtMillis, long now) {
        String instance = contact.params().unquoted("+sip.instance");
        if (instance != null && instance.startsWith("<") && instance.endsWith(">")) {
            instance = instance.substring(1, instance.length() - 1);
        }
        Integer regId = null;
        String regIdText = contact.param("reg-id");
        if (regIdText != null) {
            regId = (int) Math.min(Integer.MAX_VALUE, SipMessage.parseDeltaSeconds(regIdText, "reg-id"));
        }
        float q = Binding.NO_Q;
        String qText = contact.param("q");
        if (qText != null) {
            try {
                q = Float.parseFloat(qText);
            } catch (NumberFormatException e) {
                q = -2;
            }
            if (!(q >= 0f && q <= 1f)) throw new IllegalArgumentException("q must be between 0 and 1");
        }
        String stored = contact.withParams(contact.params().without("expires")).toString();
        return new Binding(aor, bindingKey(contact, instance, regId), stored, instance, regId, q, request.callId(),
                request.cseq().number(), expiresAtMillis, path, source.token(),
                source.transport().uriParam() + ":" + source.remote().getAddress().getHostAddress() + ":" + source.remote().getPort(),
                request.header(HeaderNames.USER_AGENT), now);
    }

    /** The expiry a Contact asks for: its expires parameter, else the Expires header, else the default. */
    private long requestedExpires(NameAddress contact, long headerExpires) {
        long expires = headerExpires;
        String param = contact.param("expires");
        if (param != null) expires = SipMessage.parseDeltaSeconds(param.trim(), "expires parameter");
        return expires < 0 ? settings.defaultExpires() : expires;
    }

    /** The expiry the registrar grants a Contact (0 means removal). */
    private long grantedExpires(NameAddress contact, long headerExpires) {
        return Math.min(requestedExpires(contact, headerExpires), settings.maxExpires());
    }

    /**
     * RFC 5626 §6: instance and reg-id identify a flow of a UA; else the Contact URI identifies the
     * binding, without its push parameters, so that a phone whose push token changed, or that stopped
     * asking for pushes (RFC 8599 §4.1.2), replaces its binding instead of adding one.
     */
    public static String bindingKey(NameAddress contact, String instance, Integer regId) {
        if (instance != null) return "<" + instance + ">" + (regId == null ? "" : ";reg-id=" + regId);
        SipUri uri = PushParameters.stripFrom((SipUri) contact.uri());
        String transport = uri.transportParam();
        return uri.withoutParam("transport").toString().toLowerCase(Locale.ROOT) + (transport == null ? "" : ";transport=" + transport);
    }

    /** RFC 8599 §5.4, §6.2.1: the 2xx tells the phone sipwake will push for it, with the binding's PURR. */
    private void addPushFeatureCaps(SipResponse ok, String aor, List<BindingChange> changes, boolean withPnsreg) {
        java.util.Set<String> providers = new java.util.HashSet<>();
        for (BindingChange change : changes) {
            if (change.remove() || change.binding() == null) continue;
            NameAddress contact = NameAddress.parse(change.binding().contact());
            if (!(PushParameterParser.parse(contact) instanceof PushParameterParser.Push push)) continue;
            String provider = push.parameters().provider();
            if (!providers.add(provider)) continue;
            String purr = purrs.purrFor(aor, change.key());
            ok.addHeader(HeaderNames.FEATURE_CAPS, pushRules.featureCapsFor(provider, purr, withPnsreg));
        }
    }

    /**
     * One phone, one binding: a push binding replaces the other bindings of the AOR that push to the
     * same device (the same token, or the same RFC 8599 §5.3 pn-* triple), e.g. a phone that came
     * back from another address without +sip.instance. Without this it would be pushed and rung twice.
     */
    public static boolean sameDevice(Binding existing, Binding incoming) {
        PushParameters a = pushParameters(existing);
        PushParameters b = pushParameters(incoming);
        return a != null && b != null && a.sharesTokenWith(b);
    }

    /** The push parameters of a stored binding, or null when it has none. */
    public static PushParameters pushParameters(Binding binding) {
        try {
            return PushParameterParser.parse(NameAddress.parse(binding.contact())) instanceof PushParameterParser.Push p ? p.parameters() : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private List<Binding> apply(List<Binding> current, List<BindingChange> changes, String callId, long cseq) {
        List<Binding> next = new ArrayList<>(current);
        for (BindingChange change : changes) {
            if (change.key().equals("*")) {
                for (Binding b : current) checkOrder(b, callId, cseq);
                next.clear();
                continue;
            }
            Binding existing = null;
            for (Binding b : next) {
                if (b.bindingKey().equals(change.key())) existing = b;
            }
            if (existing != null) {
                checkOrder(existing, callId, cseq);
                next.remove(existing);
            }
            if (!change.remove()) {
                next.removeIf(other -> sameDevice(other, change.binding()));
                next.add(change.binding());
            }
        }
        return next;
    }

    /** §10.3 step 7: a REGISTER of the same Call-ID must have a higher CSeq than the binding's. */
    private static void checkOrder(Binding existing, String callId, long cseq) {
        if (existing.callId().equals(callId) && cseq <= existing.cseq()) {
            throw new OutOfOrder(existing.cseq());
        }
    }

    private SipResponse okWithBindings(SipRequest request, List<Binding> bindings) {
        SipResponse r = reply(request, 200, null);
        long now = clock.millis();
        for (Binding b : bindings) {
            long remaining = Math.max(1, (b.expiresAtMillis() - now + 999) / 1000);
            r.addHeader(HeaderNames.CONTACT, b.contact() + ";expires=" + remaining);
        }
        if (request.hasHeader(HeaderNames.PATH)) {
            // RFC 3327 §5.3: the registrar echoes the Path it stored
            for (String p : request.headerValues(HeaderNames.PATH)) r.addHeader(HeaderNames.PATH, p);
        }
        r.addHeader(HeaderNames.DATE, RFC1123.format(clock.instant()));
        return r;
    }

    private SipResponse reply(SipRequest request, int status, String reason) {
        SipResponse r = request.createResponse(status, reason, toTag(request));
        r.addHeader(HeaderNames.SERVER, "sipwake");
        return r;
    }

    private String toTag(SipRequest request) {
        // Stable per REGISTER transaction, so a retransmitted request gets the same To tag.
        return Integer.toHexString((request.callId() + request.cseq()).hashCode() ^ toTagSeed.hashCode());
    }

    private static CompletableFuture<SipResponse> done(SipResponse r) {
        return CompletableFuture.completedFuture(r);
    }

    /** Thrown inside the registration to answer with an error instead of 200. */
    private static class RegistrationRejected extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient SipResponse response;

        RegistrationRejected(SipResponse response) {
            super(response.startLine(), null, false, false);
            this.response = response;
        }
    }

    private static final class OutOfOrder extends RuntimeException {
        private static final long serialVersionUID = 1L;

        OutOfOrder(long storedCseq) {
            super("CSeq not above the stored " + storedCseq, null, false, false);
        }
    }
}
