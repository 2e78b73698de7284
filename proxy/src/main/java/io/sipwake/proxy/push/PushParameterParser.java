package io.sipwake.proxy.push;

import io.sipwake.sip.message.Lexer;
import io.sipwake.sip.message.NameAddress;
import io.sipwake.sip.message.SipUri;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the push parameters of one REGISTER Contact in every client dialect sipwake knows and
 * normalises them into {@link PushParameters}. Pure and thread-safe.
 *
 * <h2>Where parameters are read</h2>
 * RFC 8599 §8.7 defines them as Contact <em>URI</em> parameters; some clients put them among the
 * Contact <em>header</em> parameters (Kazoo's documented Linphone sample), so both are read, with
 * names compared case-insensitively. URI parameter values are %-unescaped (RFC 3261 §19.1.2);
 * header parameter values are unquoted, then unescaped. A parameter given in both places must
 * have the same value there.
 *
 * <h2>Dialects, in order of precedence</h2>
 * <table>
 *   <caption>What each dialect becomes</caption>
 *   <tr><th>when the Contact has</th><th>dialect</th><th>provider / sandbox</th><th>param</th><th>tokens</th></tr>
 *   <tr><td>{@code pn-provider} without {@code pn-prid}</td><td colspan="4">{@link Query} (§4.1.5), no binding data</td></tr>
 *   <tr><td>{@code pn-provider=apns|apns.dev}, {@code pn-param}, {@code pn-prid}</td><td>RFC8599, or
 *       LINPHONE_IOS_MULTI when any Linphone extension is used ({@code apns.dev}, a {@code remote}
 *       service, several services, {@code :voip}/{@code :remote} labels)</td>
 *       <td>apns; sandbox for {@code apns.dev}</td><td>{@code Team.Bundle}</td>
 *       <td>one per service of pn-param ({@code voip}, {@code remote}; none given means remote)</td></tr>
 *   <tr><td>{@code pn-provider=fcm} (or {@code android}, {@code firebase}, {@code google})</td><td>RFC8599</td>
 *       <td>fcm</td><td>pn-param (project number or ID), may be absent</td><td>DEFAULT = pn-prid</td></tr>
 *   <tr><td>{@code pn-provider=webpush}</td><td>RFC8599</td><td>webpush</td><td>pn-param if sent (§12 says it is not used)</td>
 *       <td>DEFAULT = pn-prid, an http(s) push subscription URI</td></tr>
 *   <tr><td>any other {@code pn-provider}</td><td>RFC8599</td><td>the value, lower case</td><td>pn-param</td><td>DEFAULT = pn-prid</td></tr>
 *   <tr><td>{@code X-PUSH-URI}</td><td>X_PUSH_URI</td><td>x-push-uri</td><td>null</td><td>DEFAULT = the http(s) URL</td></tr>
 *   <tr><td>{@code pn-type=apple}, {@code app-id}, {@code pn-tok}</td><td>LINPHONE_LEGACY</td>
 *       <td>apns; sandbox when app-id ends in {@code .dev}</td><td>app-id without {@code .prod}/{@code .dev} and {@code .voip}</td>
 *       <td>VOIP when app-id ends in {@code .voip} (before {@code .prod}/{@code .dev}), else REMOTE</td></tr>
 *   <tr><td>{@code pn-type=google|firebase|android}, {@code app-id}, {@code pn-tok}</td><td>LINPHONE_LEGACY</td>
 *       <td>fcm</td><td>app-id</td><td>DEFAULT = pn-tok</td></tr>
 *   <tr><td>{@code pn-type=wp|wp10}</td><td colspan="4">{@link Invalid}: Windows push is not supported</td></tr>
 *   <tr><td>{@code pn-voip-tok} and/or {@code pn-im-tok}, {@code app-id}, {@code pn-platform}</td><td>MOD_APN</td>
 *       <td>apns for {@code iOS} or no pn-platform (mod_apn began Apple-only), fcm for {@code android}</td>
 *       <td>app-id (without {@code .voip})</td><td>VOIP = pn-voip-tok, REMOTE = pn-im-tok</td></tr>
 * </table>
 * The extras Linphone sends ({@code pn-silent}, {@code pn-timeout}, {@code pn-msg-str},
 * {@code pn-call-str}, {@code pn-groupchat-str}, {@code pn-call-snd}, {@code pn-msg-snd}...) are kept in
 * {@link PushParameters#raw()} and otherwise ignored; alone they are {@link None}.
 *
 * <h2>Invalid parameters</h2>
 * {@link Invalid#reason()} names the parameter and what is wrong, in a form fit for a log line
 * and a 400 reason phrase: it never contains a token, and echoes other values only as visible
 * ASCII of bounded length.
 */
public final class PushParameterParser {

    /** Longest value accepted for any push parameter sipwake uses; FCM tokens are ~160 characters, WebPush URLs a few hundred. */
    public static final int MAX_VALUE_LENGTH = 4096;

    /** The outcome of {@link #parse(NameAddress)}. */
    public sealed interface Result permits None, Query, Push, Invalid {}

    /** The Contact has no push parameters (or only ignored extras): process the REGISTER normally. */
    public record None() implements Result {}

    /**
     * RFC 8599 §4.1.5 query: {@code pn-provider} without {@code pn-prid}. The provider is
     * normalised as in {@link PushParameters}; empty means "which providers do you support?".
     */
    public record Query(Optional<String> provider) implements Result {}

    /** The Contact asks for pushes. */
    public record Push(PushParameters parameters) implements Result {}

    /** The push parameters are malformed; {@code reason} says exactly how (no tokens in it). */
    public record Invalid(String reason) implements Result {}

    private static final None NONE = new None();

    private PushParameterParser() {}

    /** Reads the push parameters of a REGISTER Contact. Never throws for any parsed Contact. */
    public static Result parse(NameAddress contact) {
        Params p = new Params();
        try {
            if (contact.uri() instanceof SipUri sip) {
                for (Map.Entry<String, String> e : sip.params().entries()) p.add(e.getKey(), e.getValue(), true);
            }
            for (Map.Entry<String, String> e : contact.params().entries()) p.add(e.getKey(), e.getValue(), false);
            return classify(p);
        } catch (Bad bad) {
            return new Invalid(bad.getMessage());
        }
    }

    private static Result classify(Params p) {
        if (p.has("pn-provider")) return rfc8599(p);
        if (p.has("pn-prid")) throw new Bad("pn-prid without pn-provider (RFC 8599 §4.1.1 requires pn-provider with pn-prid)");
        if (p.has("pn-param")) throw new Bad("pn-param without pn-provider (RFC 8599 §4.1.1)");
        if (p.has("x-push-uri")) return xPushUri(p);
        if (p.has("pn-type")) return linphoneLegacy(p);
        if (p.has("pn-tok")) throw new Bad("pn-tok without pn-type (Linphone legacy push needs pn-type, app-id and pn-tok)");
        if (p.has("pn-voip-tok") || p.has("pn-im-tok")) return modApn(p);
        if (p.has("pn-platform")) throw new Bad("pn-platform without pn-voip-tok or pn-im-tok");
        if (p.has("app-id")) throw new Bad("app-id without a push token (pn-tok, pn-voip-tok or pn-im-tok)");
        return NONE;
    }

    // ---- RFC 8599 and Linphone iOS ----

    private record Provider(String name, boolean sandbox, boolean linphoneDev) {}

    private static Provider normaliseProvider(String value) {
        String v = value.toLowerCase(Locale.ROOT);
        switch (v) {
            case "apns.dev":
                return new Provider("apns", true, true);
            case "android":
            case "firebase":
            case "google":
                // Flexisip: "invalid according rfc8599 and is often mistaken with 'fcm'"
                return new Provider("fcm", false, false);
            default:
                return new Provider(v, false, false);
        }
    }

    private static Result rfc8599(Params p) {
        String providerValue = p.value("pn-provider");
        if (!p.has("pn-prid")) {
            if (providerValue == null || providerValue.isEmpty()) return new Query(Optional.empty());
            checkValue("pn-provider", providerValue);
            return new Query(Optional.of(normaliseProvider(providerValue).name()));
        }
        if (providerValue == null || providerValue.isEmpty()) {
            throw new Bad("pn-prid with an empty pn-provider (an empty pn-provider is only for a query, RFC 8599 §4.1.5)");
        }
        checkValue("pn-provider", providerValue);
        String prid = p.required("pn-prid");
        String param = p.value("pn-param");
        if (p.has("pn-param") && (param == null || param.isEmpty())) throw new Bad("pn-param has no value");
        if (param != null) checkValue("pn-param", param);
        Provider provider = normaliseProvider(providerValue);
        switch (provider.name()) {
            case "apns":
                return apns(p, provider, param, prid);
            case "webpush":
                checkUrl("pn-prid for webpush", prid, "an http(s) push subscription URI (RFC 8599 §12)");
                return push(provider.name(), false, param, List.of(new PushToken(prid, PushToken.Service.DEFAULT)), PushDialect.RFC8599, p);
            default:
                return push(provider.name(), false, param, List.of(new PushToken(prid, PushToken.Service.DEFAULT)), PushDialect.RFC8599, p);
        }
    }

    /**
     * RFC 8599 §10 {@code pn-param=<TeamID>.<BundleID>.<service>} with Linphone's services list
     * ({@code voip}, {@code remote}, {@code voip&remote}; none means remote) and
     * {@code pn-prid=<tok>[:<service>]&...}, one token per service. Mirrors Flexisip's
     * {@code ([^.]+)\.(.+)\.((?:voip|remote|&)+)} / {@code ([^.]+)\.(.+)} and
     * {@code ([^:]+)(?::(voip|remote))?} / {@code ([^:]+):(voip|remote)}, but rejects empty or
     * repeated services and tokens instead of skipping them.
     */
    private static Result apns(Params p, Provider provider, String param, String prid) {
        if (param == null) throw new Bad("pn-param is required with pn-provider=apns: it carries <TeamID>.<BundleID> (RFC 8599 §10)");
        String expected = "pn-param " + echo(param) + " for apns must be <TeamID>.<BundleID>[.voip|.remote|.voip&remote]";
        int firstDot = param.indexOf('.');
        if (firstDot <= 0 || firstDot == param.length() - 1) throw new Bad(expected);
        String team = param.substring(0, firstDot);
        String rest = param.substring(firstDot + 1);
        String bundle = rest;
        List<PushToken.Service> services = List.of(PushToken.Service.REMOTE);
        boolean explicitServices = false;
        int lastDot = rest.lastIndexOf('.');
        if (lastDot > 0 && isServiceList(rest.substring(lastDot + 1))) {
            bundle = rest.substring(0, lastDot);
            services = services(param, rest.substring(lastDot + 1));
            explicitServices = true;
        }
        if (bundle.startsWith(".") || bundle.endsWith(".")) throw new Bad(expected);

        String[] parts = prid.split("&", -1);
        for (String part : parts) {
            if (part.isEmpty() || part.startsWith(":")) throw new Bad("pn-prid contains an empty token");
        }
        if (parts.length != services.size()) {
            throw new Bad("pn-param declares " + services.size() + " service(s) (" + serviceNames(services) + ") but pn-prid carries "
                    + parts.length + " token(s)");
        }
        boolean labelled = false;
        List<PushToken> tokens = new ArrayList<>(parts.length);
        Set<PushToken.Service> seen = EnumSet.noneOf(PushToken.Service.class);
        for (String part : parts) {
            int colon = part.indexOf(':');
            String token = colon < 0 ? part : part.substring(0, colon);
            PushToken.Service service;
            if (colon < 0) {
                if (parts.length > 1) throw new Bad("pn-prid with several tokens must label each as <token>:voip or <token>:remote");
                service = services.get(0);
            } else {
                String label = part.substring(colon + 1);
                if (!label.equals("voip") && !label.equals("remote")) {
                    throw new Bad("pn-prid for apns must be <token>[:voip|:remote], joined by '&' for several tokens");
                }
                labelled = true;
                service = label.equals("voip") ? PushToken.Service.VOIP : PushToken.Service.REMOTE;
                if (!services.contains(service)) {
                    throw new Bad("pn-prid labels a token '" + label + "' but pn-param declares only " + serviceNames(services));
                }
            }
            if (!seen.add(service)) throw new Bad("pn-prid has two tokens for service '" + name(service) + "'");
            tokens.add(new PushToken(token, service));
        }
        boolean linphone = provider.linphoneDev() || labelled || services.size() > 1
                || (explicitServices && services.contains(PushToken.Service.REMOTE));
        return push("apns", provider.sandbox(), team + "." + bundle, tokens,
                linphone ? PushDialect.LINPHONE_IOS_MULTI : PushDialect.RFC8599, p);
    }

    private static boolean isServiceList(String s) {
        // Flexisip's (?:voip|remote|&)+
        int i = 0;
        while (i < s.length()) {
            if (s.startsWith("voip", i)) i += 4;
            else if (s.startsWith("remote", i)) i += 6;
            else if (s.charAt(i) == '&') i++;
            else return false;
        }
        return !s.isEmpty();
    }

    private static List<PushToken.Service> services(String param, String list) {
        List<PushToken.Service> out = new ArrayList<>(2);
        for (String s : list.split("&", -1)) {
            if (!s.equals("voip") && !s.equals("remote")) {
                throw new Bad("pn-param " + echo(param) + " has an empty or unknown service in '" + list + "' (expected voip, remote or voip&remote)");
            }
            PushToken.Service service = s.equals("voip") ? PushToken.Service.VOIP : PushToken.Service.REMOTE;
            if (out.contains(service)) throw new Bad("pn-param " + echo(param) + " names service '" + s + "' twice");
            out.add(service);
        }
        return out;
    }

    private static String serviceNames(List<PushToken.Service> services) {
        StringBuilder sb = new StringBuilder();
        for (PushToken.Service s : services) {
            if (sb.length() > 0) sb.append('&');
            sb.append(name(s));
        }
        return sb.toString();
    }

    private static String name(PushToken.Service s) {
        return s.name().toLowerCase(Locale.ROOT);
    }

    // ---- Zoiper WP8 ----

    private static Result xPushUri(Params p) {
        String url = p.required("x-push-uri", "X-PUSH-URI");
        checkUrl("X-PUSH-URI", url, "an http or https URL");
        return push("x-push-uri", false, null, List.of(new PushToken(url, PushToken.Service.DEFAULT)), PushDialect.X_PUSH_URI, p);
    }

    // ---- Linphone legacy ----

    private static Result linphoneLegacy(Params p) {
        String type = p.required("pn-type").toLowerCase(Locale.ROOT);
        checkValue("pn-type", type);
        if (type.equals("wp") || type.equals("wp10")) throw new Bad("Windows push is not supported (pn-type=" + type + ")");
        boolean apple = type.equals("apple");
        if (!apple && !type.equals("google") && !type.equals("firebase") && !type.equals("android")) {
            throw new Bad("unknown pn-type " + echo(type) + " (expected apple, google, firebase or android)");
        }
        if (!p.has("pn-tok")) throw new Bad("pn-type=" + type + " without pn-tok");
        if (!p.has("app-id")) throw new Bad("pn-type=" + type + " without app-id");
        String token = p.required("pn-tok");
        String appId = p.required("app-id");
        checkValue("app-id", appId);
        if (!apple) {
            return push("fcm", false, appId, List.of(new PushToken(token, PushToken.Service.DEFAULT)), PushDialect.LINPHONE_LEGACY, p);
        }
        boolean sandbox = appId.endsWith(".dev");
        String bundle = sandbox ? cut(appId, ".dev") : appId.endsWith(".prod") ? cut(appId, ".prod") : appId;
        boolean voip = bundle.endsWith(".voip");
        if (voip) bundle = cut(bundle, ".voip");
        if (bundle.isEmpty()) throw new Bad("app-id " + echo(appId) + " has no bundle ID");
        return push("apns", sandbox, bundle, List.of(new PushToken(token, voip ? PushToken.Service.VOIP : PushToken.Service.REMOTE)),
                PushDialect.LINPHONE_LEGACY, p);
    }

    private static String cut(String s, String suffix) {
        return s.substring(0, s.length() - suffix.length());
    }

    // ---- FreeSWITCH mod_apn ----

    private static Result modApn(Params p) {
        List<PushToken> tokens = new ArrayList<>(2);
        if (p.has("pn-voip-tok")) tokens.add(new PushToken(p.required("pn-voip-tok"), PushToken.Service.VOIP));
        if (p.has("pn-im-tok")) tokens.add(new PushToken(p.required("pn-im-tok"), PushToken.Service.REMOTE));
        if (!p.has("app-id")) throw new Bad("pn-voip-tok or pn-im-tok without app-id");
        String appId = p.required("app-id");
        checkValue("app-id", appId);
        String provider;
        if (!p.has("pn-platform")) {
            provider = "apns";
        } else {
            String platform = p.required("pn-platform");
            checkValue("pn-platform", platform);
            switch (platform.toLowerCase(Locale.ROOT)) {
                case "ios":
                    provider = "apns";
                    break;
                case "android":
                    provider = "fcm";
                    break;
                default:
                    throw new Bad("pn-platform " + echo(platform) + " is not supported (expected iOS or android)");
            }
        }
        String param = provider.equals("apns") && appId.endsWith(".voip") ? cut(appId, ".voip") : appId;
        if (param.isEmpty()) throw new Bad("app-id " + echo(appId) + " has no bundle ID");
        return push(provider, false, param, tokens, PushDialect.MOD_APN, p);
    }

    // ---- shared ----

    private static Push push(String provider, boolean sandbox, String param, List<PushToken> tokens, PushDialect dialect, Params p) {
        for (PushToken t : tokens) checkValue("push token", t.token());
        return new Push(new PushParameters(provider, sandbox, param, tokens, dialect, p.raw));
    }

    /** Values sipwake uses end up in HTTP requests and log lines: visible ASCII only, bounded length. */
    private static void checkValue(String what, String value) {
        if (value.length() > MAX_VALUE_LENGTH) throw new Bad(what + " is longer than " + MAX_VALUE_LENGTH + " characters");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= ' ' || c >= 0x7f) throw new Bad(what + " contains white space, a control character or non-ASCII text");
        }
    }

    private static void checkUrl(String what, String url, String expected) {
        checkValue(what, url);
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new Bad(what + " must be " + expected + " but is not a valid URL");
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            throw new Bad(what + " must be " + expected + " (got " + (scheme == null ? "no scheme" : "scheme " + echo(scheme)) + ")");
        }
        if (uri.getHost() == null) throw new Bad(what + " must be " + expected + " with a host");
    }

    /** A non-secret value quoted for a reason: visible ASCII, at most 40 characters. */
    private static String echo(String value) {
        StringBuilder sb = new StringBuilder("'");
        int n = Math.min(value.length(), 40);
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            sb.append(c < ' ' || c >= 0x7f || c == '\'' ? '?' : c);
        }
        if (value.length() > 40) sb.append("...");
        return sb.append('\'').toString();
    }

    /** A malformed parameter; its message is the {@link Invalid} reason. */
    private static final class Bad extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Bad(String reason) {
            super(reason, null, false, false);
        }
    }

    /** The push parameters of one Contact: URI parameters first, then header parameters. */
    private static final class Params {
        final Map<String, String> raw = new LinkedHashMap<>();
        private final Map<String, String> values = new HashMap<>(); // lower-case name -> unescaped value, null when valueless
        private final Map<String, Boolean> fromUri = new HashMap<>();

        void add(String name, String rawValue, boolean uri) {
            if (!PushParameters.isPushParameterName(name)) return;
            String key = name.toLowerCase(Locale.ROOT);
            String value = rawValue == null ? null : uri ? SipUri.unescape(rawValue) : SipUri.unescape(Lexer.unquote(rawValue));
            Boolean earlier = fromUri.get(key);
            if (earlier != null) {
                if (earlier == uri) {
                    throw new Bad(name + " appears more than once in the Contact " + (uri ? "URI" : "header parameters"));
                }
                if (!java.util.Objects.equals(values.get(key), value)) {
                    throw new Bad(name + " is both a Contact URI parameter and a Contact header parameter, with different values");
                }
                return;
            }
            fromUri.put(key, uri);
            values.put(key, value);
            raw.put(key, rawValue == null ? "" : rawValue);
        }

        boolean has(String name) {
            return fromUri.containsKey(name);
        }

        /** The unescaped value, or null when absent or valueless. */
        String value(String name) {
            return values.get(name);
        }

        String required(String name) {
            return required(name, name);
        }

        /** The value of a parameter known to be present; Bad when it has none. */
        String required(String name, String displayName) {
            String v = values.get(name);
            if (v == null || v.isEmpty()) throw new Bad(displayName + " has no value");
            checkValue(displayName, v);
            return v;
        }
    }
}
