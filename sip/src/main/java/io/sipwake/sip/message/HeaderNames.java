package io.sipwake.sip.message;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Header names of RFC 3261 §20 and extensions sipwake uses, with compact forms (§7.3.3). */
public final class HeaderNames {
    public static final String ACCEPT = "Accept";
    public static final String ALLOW = "Allow";
    public static final String AUTHORIZATION = "Authorization";
    public static final String CALL_ID = "Call-ID";
    public static final String CONTACT = "Contact";
    public static final String CONTENT_LENGTH = "Content-Length";
    public static final String CONTENT_TYPE = "Content-Type";
    public static final String CSEQ = "CSeq";
    public static final String DATE = "Date";
    public static final String EXPIRES = "Expires";
    public static final String FEATURE_CAPS = "Feature-Caps";
    public static final String FROM = "From";
    public static final String MAX_FORWARDS = "Max-Forwards";
    public static final String MIN_EXPIRES = "Min-Expires";
    public static final String PATH = "Path";
    public static final String PROXY_AUTHENTICATE = "Proxy-Authenticate";
    public static final String PROXY_AUTHORIZATION = "Proxy-Authorization";
    public static final String PROXY_REQUIRE = "Proxy-Require";
    public static final String REASON = "Reason";
    public static final String REPLACES = "Replaces";
    public static final String RECORD_ROUTE = "Record-Route";
    public static final String REQUIRE = "Require";
    public static final String RETRY_AFTER = "Retry-After";
    public static final String ROUTE = "Route";
    public static final String SERVER = "Server";
    public static final String SUPPORTED = "Supported";
    public static final String TO = "To";
    public static final String UNSUPPORTED = "Unsupported";
    public static final String USER_AGENT = "User-Agent";
    public static final String VIA = "Via";
    public static final String WARNING = "Warning";
    public static final String WWW_AUTHENTICATE = "WWW-Authenticate";

    private static final Map<String, String> CANONICAL = new HashMap<>();
    /** Known names as conventionally written, to themselves: most messages spell them so. */
    private static final Map<String, String> AS_WRITTEN = new HashMap<>();
    private static final Set<String> LISTS = new HashSet<>();

    static {
        String[] known = {ACCEPT, "Accept-Encoding", "Accept-Language", "Alert-Info", ALLOW, "Allow-Events", "Authentication-Info",
            AUTHORIZATION, CALL_ID, "Call-Info", CONTACT, "Content-Disposition", "Content-Encoding", "Content-Language",
            CONTENT_LENGTH, CONTENT_TYPE, CSEQ, DATE, "Error-Info", "Event", EXPIRES, FEATURE_CAPS, FROM, "In-Reply-To",
            MAX_FORWARDS, "MIME-Version", MIN_EXPIRES, "Organization", PATH, "Priority", PROXY_AUTHENTICATE,
            PROXY_AUTHORIZATION, PROXY_REQUIRE, REASON, RECORD_ROUTE, "Refer-To", "Referred-By", "Reply-To", REQUIRE,
            RETRY_AFTER, ROUTE, SERVER, "Session-Expires", "Subject", "Subscription-State", SUPPORTED, "Timestamp", TO,
            UNSUPPORTED, USER_AGENT, VIA, WARNING, WWW_AUTHENTICATE, "Service-Route", "P-Asserted-Identity"};
        for (String name : known) {
            CANONICAL.put(name.toLowerCase(Locale.ROOT), name);
            AS_WRITTEN.put(name, name);
        }
        String[][] compact = {{"i", CALL_ID}, {"m", CONTACT}, {"e", "Content-Encoding"}, {"l", CONTENT_LENGTH},
            {"c", CONTENT_TYPE}, {"f", FROM}, {"s", "Subject"}, {"k", SUPPORTED}, {"t", TO}, {"v", VIA}, {"o", "Event"},
            {"u", "Allow-Events"}, {"r", "Refer-To"}, {"b", "Referred-By"}, {"x", "Session-Expires"}};
        for (String[] c : compact) CANONICAL.put(c[0], c[1]);
        for (String name : new String[] {ACCEPT, "Accept-Encoding", "Accept-Language", ALLOW, "Allow-Events", CONTACT,
            "Content-Encoding", "Content-Language", PATH, PROXY_REQUIRE, RECORD_ROUTE, REQUIRE, ROUTE, SUPPORTED,
            UNSUPPORTED, VIA, "Service-Route", FEATURE_CAPS, "Call-Info", "Alert-Info", "Error-Info", WARNING}) {
            LISTS.add(name.toLowerCase(Locale.ROOT));
        }
    }

    private HeaderNames() {}

    /** The canonical (long, conventionally capitalised) form of a header name; unknown names are returned as given. */
    public static String canonical(String name) {
        String c = AS_WRITTEN.get(name);
        if (c != null) return c;
        c = CANONICAL.get(name.toLowerCase(Locale.ROOT));
        return c != null ? c : name;
    }

    /** True when {@code canonical} is the canonical instance of a name this class knows. */
    static boolean isKnown(String canonical) {
        return AS_WRITTEN.get(canonical) == canonical;
    }

    /** True for headers whose grammar is a comma-separated list (RFC 3261 §7.3.1), so values may be split and combined. */
    public static boolean isList(String canonicalName) {
        return LISTS.contains(canonicalName.toLowerCase(Locale.ROOT));
    }
}
