package io.sipwake.proxy.push;

import io.sipwake.sip.message.Lexer;
import io.sipwake.sip.message.NameAddress;
import io.sipwake.sip.message.Parameters;
import io.sipwake.sip.message.SipUri;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The push parameters of one binding, normalised from whichever client dialect they came in
 * ({@link PushParameterParser}). Immutable.
 *
 * <h2>Normalised values</h2>
 * <ul>
 *   <li>{@code provider}: lower case; {@code apns} (with {@link #sandbox()} for {@code apns.dev}),
 *       {@code fcm} (also for the typos {@code android}, {@code firebase}, {@code google}),
 *       {@code webpush}, {@code x-push-uri} for Zoiper's wake-up URL, or any other value a phone
 *       sent (whether sipwake supports it is the registrar's decision, RFC 8599 §5.6.1).</li>
 *   <li>{@code param}: for {@code apns}, {@code <TeamID>.<BundleID>} for the RFC 8599 dialects and
 *       {@code <BundleID>} for the legacy dialects (which carry no Team ID); in both the service
 *       suffix ({@code .voip}, {@code .remote}, {@code .voip&remote}) and Linphone's
 *       {@code .prod}/{@code .dev} are removed, because the service is carried by each
 *       {@link PushToken}; {@link #apnsTopic(PushToken)} rebuilds the topic. For other providers
 *       the value as sent (unescaped), or null when there is none (webpush §12, X-PUSH-URI).</li>
 *   <li>{@code tokens}: one per service, in the order the phone sent them.</li>
 *   <li>{@code raw}: every push parameter as received ({@code pn-*}, {@code app-id},
 *       {@code x-push-uri}; URI and header parameters), lower-case name to value as written
 *       (escaped; the empty string for a valueless parameter), for storage. It holds tokens: never
 *       log it.</li>
 * </ul>
 *
 * <p>{@link #toString()} prints tokens only as their first and last four characters.
 *
 * @param provider normalised provider, see above
 * @param sandbox true for APNs development tokens ({@code apns.dev}, legacy {@code .dev} app-ids)
 * @param param normalised pn-param, or null
 * @param tokens the device's tokens, at least one
 * @param dialect the client convention the parameters came in
 * @param raw the parameters as received, see above
 */
public record PushParameters(String provider, boolean sandbox, String param, List<PushToken> tokens,
        PushDialect dialect, Map<String, String> raw) {

    public PushParameters {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(dialect, "dialect");
        tokens = List.copyOf(tokens);
        if (tokens.isEmpty()) throw new IllegalArgumentException("push parameters without a token");
        raw = Collections.unmodifiableMap(new LinkedHashMap<>(raw));
    }

    /**
     * The token to use for a push of this kind: for a call the VoIP token, else the single
     * default token, else the remote-notification token (an alert push can still announce a
     * call); for anything else the remote or default token, and a VoIP token only when the
     * provider is not APNs (Apple terminates apps that receive VoIP pushes without reporting a
     * call). Empty when the device has no token usable for this kind.
     */
    public Optional<PushToken> tokenFor(PushKind kind) {
        if (kind == PushKind.CALL) {
            return find(PushToken.Service.VOIP).or(() -> find(PushToken.Service.DEFAULT)).or(() -> find(PushToken.Service.REMOTE));
        }
        Optional<PushToken> t = find(PushToken.Service.REMOTE).or(() -> find(PushToken.Service.DEFAULT));
        return "apns".equals(provider) ? t : t.or(() -> find(PushToken.Service.VOIP));
    }

    private Optional<PushToken> find(PushToken.Service service) {
        for (PushToken t : tokens) {
            if (t.service() == service) return Optional.of(t);
        }
        return Optional.empty();
    }

    /**
     * True when both name the same device: the same provider and at least one token in common (a
     * phone that came back from another address, or with one of its two tokens renewed).
     */
    public boolean sharesTokenWith(PushParameters other) {
        if (!provider.equals(other.provider)) return false;
        for (PushToken mine : tokens) {
            for (PushToken theirs : other.tokens) {
                if (mine.token().equals(theirs.token())) return true;
            }
        }
        return false;
    }

    /**
     * The RFC 8599 {@code (pn-provider, pn-param, pn-prid)} as the phone sent them (unescaped, not
     * normalised), for the §5.3 comparison with a Request-URI; empty for the dialects that do not
     * use these parameters.
     */
    public Optional<PushTriple> triple() {
        if (!dialect.isRfc8599Form()) return Optional.empty();
        String p = rawValue("pn-provider");
        String prid = rawValue("pn-prid");
        if (p == null || prid == null) return Optional.empty();
        return Optional.of(new PushTriple(p, rawValue("pn-param"), prid));
    }

    private String rawValue(String name) {
        String v = raw.get(name);
        return v == null ? null : SipUri.unescape(Lexer.unquote(v));
    }

    /**
     * The {@code pn-prid} to hand a push sender for {@code token}. The normalised pn-param no longer names the
     * token's service, so an APNs token is labelled ({@code <token>:voip}, {@code <token>:remote}): the sender then
     * sends a PushKit token as VoIP and a remote-notification token as an alert, never the other way round.
     */
    public String senderPrid(PushToken token) {
        return "apns".equals(provider) && token.service() != PushToken.Service.DEFAULT
                ? token.token() + ":" + token.service().name().toLowerCase(Locale.ROOT)
                : token.token();
    }

    /** The APNs Team ID: the part of pn-param before the first period; empty for the legacy dialects, which do not send it. */
    public Optional<String> apnsTeamId() {
        requireApns();
        return dialect.isRfc8599Form() ? Optional.of(param.substring(0, param.indexOf('.'))) : Optional.empty();
    }

    /** The app's bundle ID (RFC 8599 §10: the topic without its service suffix). */
    public String apnsBundleId() {
        requireApns();
        return dialect.isRfc8599Form() ? param.substring(param.indexOf('.') + 1) : param;
    }

    /** The {@code apns-topic} for a push with {@code token}: the bundle ID, with {@code .voip} for a VoIP token. */
    public String apnsTopic(PushToken token) {
        String bundle = apnsBundleId();
        return token.service() == PushToken.Service.VOIP ? bundle + ".voip" : bundle;
    }

    private void requireApns() {
        if (!"apns".equals(provider)) throw new IllegalStateException("not an APNs binding: " + provider);
    }

    @Override
    public String toString() {
        return "PushParameters[provider=" + provider + (sandbox ? " (sandbox)" : "") + ", param=" + param
                + ", tokens=" + tokens + ", dialect=" + dialect + ", raw=" + raw.keySet() + "]";
    }

    // ---- RFC 8599 §13: push parameters never leave sipwake ----

    /**
     * True for the names of parameters that carry push information: every {@code pn-*}
     * (RFC 8599 and Linphone's {@code pn-type}, {@code pn-tok}, {@code pn-silent}...), mod_apn's
     * {@code app-id} and Zoiper's {@code x-push-uri}. Case-insensitive. Not {@code pn-purr}: the PURR is made to be
     * seen by the phone's peers (RFC 8599 §6.2.2, "anonymous and unlinkable") and must reach sipwake again in
     * their mid-dialog requests (§6.2.3).
     */
    public static boolean isPushParameterName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return (n.startsWith("pn-") && !n.equals(PURR)) || n.equals("app-id") || n.equals("x-push-uri");
    }

    /** The URI parameter carrying a PURR (RFC 8599 §6.2.2). */
    public static final String PURR = "pn-purr";

    /**
     * {@code uri} without any push parameter ({@link #isPushParameterName}); the same instance
     * when it has none. RFC 8599 §13: the parameters a phone registered with must not reach other
     * users, so sipwake strips them from the Request-URIs it forwards.
     */
    public static SipUri stripFrom(SipUri uri) {
        Parameters p = strip(uri.params());
        return p == uri.params() ? uri : uri.withParams(p);
    }

    /**
     * {@code address} without push parameters in its SIP URI or among its header parameters; the
     * same instance when it has none. For Contacts of responses and requests sipwake forwards
     * (Linphone Android puts its FCM token in the Contact of its 200 OK to INVITE).
     */
    public static NameAddress stripFrom(NameAddress address) {
        NameAddress out = address;
        if (address.uri() instanceof SipUri sip) {
            SipUri stripped = stripFrom(sip);
            if (stripped != sip) out = out.withUri(stripped);
        }
        Parameters headerParams = strip(address.params());
        return headerParams == address.params() ? out : out.withParams(headerParams);
    }

    /**
     * Removes push parameters from every Contact of {@code message} (RFC 8599 §13): the Contacts of requests and
     * responses sipwake forwards reach other users, and some phones put their token there (Linphone Android
     * sends it in the Contact of its 200 OK to INVITE).
     */
    public static void stripFromContacts(io.sipwake.sip.message.SipMessage message) {
        if (!message.hasHeader(io.sipwake.sip.message.HeaderNames.CONTACT) || message.isContactWildcard()) return;
        if (!mayHavePushParameters(message.headerValues(io.sipwake.sip.message.HeaderNames.CONTACT))) return; // the usual case: no parsing
        List<NameAddress> contacts = message.contacts();
        List<String> stripped = new java.util.ArrayList<>(contacts.size());
        boolean changed = false;
        for (NameAddress c : contacts) {
            NameAddress s = stripFrom(c);
            changed |= s != c;
            stripped.add(s.toString());
        }
        if (!changed) return;
        message.removeHeader(io.sipwake.sip.message.HeaderNames.CONTACT);
        for (String c : stripped) message.addHeader(io.sipwake.sip.message.HeaderNames.CONTACT, c);
    }

    /** A cheap test on the raw Contact values: false only when none can carry a push parameter. */
    private static boolean mayHavePushParameters(List<String> values) {
        for (String v : values) {
            String lower = v.toLowerCase(Locale.ROOT).replace(PURR, "");
            if (lower.contains("pn-") || lower.contains("app-id") || lower.contains("x-push-uri")) return true;
        }
        return false;
    }

    /** True when {@code uri} has any push parameter. */
    public static boolean hasPushParameters(SipUri uri) {
        for (String name : uri.params().names()) {
            if (isPushParameterName(name)) return true;
        }
        return false;
    }

    private static Parameters strip(Parameters params) {
        boolean any = false;
        for (String name : params.names()) any |= isPushParameterName(name);
        if (!any) return params;
        Parameters stripped = params.withoutPrefix("pn-").without("app-id").without("x-push-uri");
        return params.has(PURR) ? stripped.with(PURR, params.get(PURR)) : stripped;
    }
}
