package io.sipwake.sip.message;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A SIP request or response (RFC 3261 §7): start line, ordered header lines and a body.
 *
 * <p>Headers are stored as written (unfolded) under their canonical names; typed views such as
 * {@link #from()} or {@link #vias()} parse on demand and are cached until the header changes.
 * Header text is held as ISO-8859-1 so every octet survives parsing and re-serialisation
 * unchanged, including UTF-8 display names.
 *
 * <p>Not thread-safe. A message belongs to one thread at a time; {@link #copy()} before handing a
 * message to code that may modify it concurrently (for example one copy per forked branch).
 */
public abstract sealed class SipMessage permits SipRequest, SipResponse {
    static final byte[] NO_BODY = new byte[0];

    private final ArrayList<Header> headers;
    private byte[] body = NO_BODY;

    // typed caches, cleared on any header change
    private List<Via> vias;
    private NameAddress from;
    private NameAddress to;
    private CSeq cseq;
    private List<NameAddress> contacts;

    protected SipMessage(List<Header> headers) {
        this.headers = new ArrayList<>(headers.size() + 4);
        for (Header h : headers) {
            String canonical = HeaderNames.canonical(h.name());
            this.headers.add(canonical == h.name() ? h : new Header(canonical, h.value()));
        }
    }

    public List<Header> headers() {
        return Collections.unmodifiableList(headers);
    }

    /** The first header line called {@code name} (any form, compact or long), or null. */
    public String header(String name) {
        String canonical = HeaderNames.canonical(name);
        boolean known = HeaderNames.isKnown(canonical);
        for (int i = 0, n = headers.size(); i < n; i++) {
            Header h = headers.get(i);
            if (sameName(h, canonical, known)) return h.value();
        }
        return null;
    }

    public boolean hasHeader(String name) {
        return header(name) != null;
    }

    /** Number of header lines called {@code name}. */
    public int headerCount(String name) {
        String canonical = HeaderNames.canonical(name);
        boolean known = HeaderNames.isKnown(canonical);
        int count = 0;
        for (Header h : headers) {
            if (sameName(h, canonical, known)) count++;
        }
        return count;
    }

    /** Every value of {@code name}, in order; list headers (RFC 3261 §7.3.1) are split at their commas. */
    public List<String> headerValues(String name) {
        String canonical = HeaderNames.canonical(name);
        boolean known = HeaderNames.isKnown(canonical);
        boolean list = HeaderNames.isList(canonical);
        List<String> values = new ArrayList<>(2);
        for (Header h : headers) {
            if (sameName(h, canonical, known)) {
                if (list) {
                    values.addAll(Lexer.splitList(h.value()));
                } else {
                    values.add(h.value());
                }
            }
        }
        return values;
    }

    /** Appends a header line. */
    public SipMessage addHeader(String name, String value) {
        headers.add(new Header(HeaderNames.canonical(name), value));
        changed();
        return this;
    }

    /**
     * Adds a value in front of the existing values of {@code name} (as a proxy does with Via and
     * Record-Route); when there are none it goes first among all headers for Via, last otherwise.
     */
    public SipMessage addHeaderFirst(String name, String value) {
        String canonical = HeaderNames.canonical(name);
        boolean known = HeaderNames.isKnown(canonical);
        int at = -1;
        for (int i = 0; i < headers.size(); i++) {
            if (sameName(headers.get(i), canonical, known)) {
                at = i;
                break;
            }
        }
        if (at < 0) at = canonical.equals(HeaderNames.VIA) ? 0 : headers.size();
        headers.add(at, new Header(canonical, value));
        changed();
        return this;
    }

    /** Replaces every line of {@code name} by one line with {@code value} (in the place of the first). */
    public SipMessage setHeader(String name, String value) {
        String canonical = HeaderNames.canonical(name);
        boolean known = HeaderNames.isKnown(canonical);
        int at = -1;
        for (int i = headers.size() - 1; i >= 0; i--) {
            if (sameName(headers.get(i), canonical, known)) {
                headers.remove(i);
                at = i;
            }
        }
        headers.add(at < 0 ? headers.size() : at, new Header(canonical, value));
        changed();
        return this;
    }

    /** Removes every line of {@code name}; returns how many were removed. */
    public int removeHeader(String name) {
        String canonical = HeaderNames.canonical(name);
        boolean known = HeaderNames.isKnown(canonical);
        int before = headers.size();
        headers.removeIf(h -> sameName(h, canonical, known));
        changed();
        return before - headers.size();
    }

    /**
     * Removes the first value of a list header (the topmost Via or Route), rewriting its line when
     * it holds several values. Returns the removed value, or null when there is none.
     */
    public String removeFirstValue(String name) {
        String canonical = HeaderNames.canonical(name);
        boolean known = HeaderNames.isKnown(canonical);
        for (int i = 0; i < headers.size(); i++) {
            Header h = headers.get(i);
            if (sameName(h, canonical, known)) {
                List<String> values = Lexer.splitList(h.value());
                if (values.size() == 1) {
                    headers.remove(i);
                } else {
                    headers.set(i, new Header(canonical, String.join(", ", values.subList(1, values.size()))));
                }
                changed();
                return values.get(0);
            }
        }
        return null;
    }

    /**
     * Header names are stored canonical ({@link HeaderNames#canonical}): a name HeaderNames knows is
     * then always the same String instance, others compare case-insensitively.
     */
    private static boolean sameName(Header h, String canonical, boolean known) {
        String n = h.name();
        return n == canonical || !known && n.equalsIgnoreCase(canonical);
    }

    private void changed() {
        vias = null;
        from = null;
        to = null;
        cseq = null;
        contacts = null;
    }

    // ---- typed views ----

    public String callId() {
        return header(HeaderNames.CALL_ID);
    }

    public CSeq cseq() {
        CSeq c = cseq;
        if (c == null) {
            String v = header(HeaderNames.CSEQ);
            if (v == null) throw new SipSyntaxException("missing CSeq");
            cseq = c = CSeq.parse(v);
        }
        return c;
    }

    public NameAddress from() {
        NameAddress f = from;
        if (f == null) {
            String v = header(HeaderNames.FROM);
            if (v == null) throw new SipSyntaxException("missing From");
            from = f = NameAddress.parse(v);
        }
        return f;
    }

    public NameAddress to() {
        NameAddress t = to;
        if (t == null) {
            String v = header(HeaderNames.TO);
            if (v == null) throw new SipSyntaxException("missing To");
            to = t = NameAddress.parse(v);
        }
        return t;
    }

    /** All Via values, topmost first. */
    public List<Via> vias() {
        List<Via> v = vias;
        if (v == null) {
            List<Via> list = new ArrayList<>(2);
            for (String value : headerValues(HeaderNames.VIA)) list.add(Via.parse(value));
            vias = v = Collections.unmodifiableList(list);
        }
        return v;
    }

    /**
     * The topmost Via value, or null when there is none. Only that value needs to parse: a
     * response can be routed (§18.2.2) even when a Via further down is malformed.
     */
    public Via topVia() {
        List<Via> v = vias;
        if (v != null) return v.isEmpty() ? null : v.get(0);
        for (int i = 0, n = headers.size(); i < n; i++) {
            Header h = headers.get(i);
            if (h.name() == HeaderNames.VIA) { // stored canonical, see sameName
                String value = h.value();
                int comma = Lexer.endOfFirstListElement(value);
                if (comma == value.length()) return Via.parse(value);
                return Via.parse(value.substring(0, comma));
            }
        }
        return null;
    }

    /** Max-Forwards value, or -1 when absent. */
    public int maxForwards() {
        String v = header(HeaderNames.MAX_FORWARDS);
        if (v == null) return -1;
        return parseSmallInt(v.trim(), HeaderNames.MAX_FORWARDS, 255);
    }

    /** The Expires header in seconds, or -1 when absent. */
    public long expires() {
        String v = header(HeaderNames.EXPIRES);
        if (v == null) return -1;
        return parseDeltaSeconds(v.trim(), HeaderNames.EXPIRES);
    }

    /** Contact values; empty when absent. A {@code Contact: *} is reported by {@link #isContactWildcard()}. */
    public List<NameAddress> contacts() {
        List<NameAddress> c = contacts;
        if (c == null) contacts = c = Collections.unmodifiableList(nameAddresses(HeaderNames.CONTACT));
        return c;
    }

    public boolean isContactWildcard() {
        String v = header(HeaderNames.CONTACT);
        return v != null && v.trim().equals("*");
    }

    public List<NameAddress> routes() {
        return nameAddresses(HeaderNames.ROUTE);
    }

    public List<NameAddress> recordRoutes() {
        return nameAddresses(HeaderNames.RECORD_ROUTE);
    }

    /** Every value of a name-addr list header such as Contact or Route; a {@code *} (Contact wildcard) is skipped. */
    public List<NameAddress> nameAddresses(String name) {
        String canonical = HeaderNames.canonical(name);
        boolean known = HeaderNames.isKnown(canonical);
        List<NameAddress> list = new ArrayList<>(2);
        for (Header h : headers) {
            if (!sameName(h, canonical, known)) continue;
            List<String> values = Lexer.splitList(h.value());
            if (values.isEmpty()) throw new SipSyntaxException("empty " + canonical + " header");
            for (String v : values) {
                if (v.equals("*")) continue;
                list.add(NameAddress.parse(v));
            }
        }
        return list;
    }

    public byte[] body() {
        return body;
    }

    public SipMessage setBody(byte[] newBody) {
        body = newBody == null ? NO_BODY : newBody;
        return this;
    }

    /** Sets the body and its Content-Type. */
    public SipMessage setBody(byte[] newBody, String contentType) {
        setBody(newBody);
        if (contentType == null) {
            removeHeader(HeaderNames.CONTENT_TYPE);
        } else {
            setHeader(HeaderNames.CONTENT_TYPE, contentType);
        }
        return this;
    }

    public boolean isRequest() {
        return this instanceof SipRequest;
    }

    /** The start line without CRLF. */
    public abstract String startLine();

    public abstract SipMessage copy();

    List<Header> headerList() {
        return headers;
    }

    /**
     * Serialises the message. Content-Length is always written and always equals the body length,
     * whatever the header said, since stream transports frame by it (RFC 3261 §18.3).
     */
    public byte[] toBytes() {
        StringBuilder sb = new StringBuilder(256 + headers.size() * 48);
        sb.append(startLine()).append("\r\n");
        for (int i = 0, n = headers.size(); i < n; i++) {
            Header h = headers.get(i);
            if (h.name().equalsIgnoreCase(HeaderNames.CONTENT_LENGTH)) continue;
            sb.append(h.name()).append(": ").append(h.value()).append("\r\n");
        }
        sb.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        int headLength = sb.length();
        byte[] out = new byte[headLength + body.length];
        for (int i = 0; i < headLength; i++) {
            char c = sb.charAt(i);
            if (c > 0xFF) return toBytesUtf8(sb);
            out[i] = (byte) c;
        }
        System.arraycopy(body, 0, out, headLength, body.length);
        return out;
    }

    /**
     * Header text set by code (not parsed) may hold characters beyond ISO-8859-1: those are
     * written as UTF-8, the charset of SIP text (RFC 3261 §7.3.1), the others as single octets.
     */
    private byte[] toBytesUtf8(StringBuilder head) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(head.length() + 16 + body.length);
        for (int i = 0; i < head.length(); i++) {
            char c = head.charAt(i);
            if (c <= 0xFF) {
                out.write(c);
            } else {
                int cp = Character.codePointAt(head, i);
                if (Character.charCount(cp) == 2) i++;
                out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
            }
        }
        out.writeBytes(body);
        return out.toByteArray();
    }

    @Override
    public String toString() {
        return new String(toBytes(), StandardCharsets.ISO_8859_1);
    }

    static int parseSmallInt(String v, String name, int max) {
        if (v.isEmpty() || v.length() > 10) throw new SipSyntaxException("bad " + name + " '" + Lexer.excerpt(v, 0) + "'");
        long n = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') throw new SipSyntaxException("bad " + name + " '" + Lexer.excerpt(v, 0) + "'");
            n = n * 10 + (c - '0');
        }
        if (n > max) throw new SipSyntaxException(name + " " + v + " is above " + max);
        return (int) n;
    }

    /** Parses delta-seconds (RFC 3261 §25.1); values above 2**32-1 saturate, as §20.19 allows treating them as 2**32-1. */
    public static long parseDeltaSeconds(String v, String name) {
        if (v.isEmpty()) throw new SipSyntaxException("empty " + name);
        long n = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') throw new SipSyntaxException("bad " + name + " '" + Lexer.excerpt(v, 0) + "'");
            if (n < 0xFFFFFFFFL) n = Math.min(0xFFFFFFFFL, n * 10 + (c - '0'));
        }
        return n;
    }
}
