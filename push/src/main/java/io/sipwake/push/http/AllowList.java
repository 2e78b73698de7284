package io.sipwake.push.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where wake-up URLs may point: the server-side request forgery guard of {@link HttpWakeSender}. Pure and
 * thread-safe; it never resolves names itself.
 *
 * <p>Each entry is either
 * <ul>
 *   <li>a CIDR block or a single IP address ({@code 203.0.113.0/24}, {@code 2001:db8::/32}, {@code 127.0.0.1}):
 *       URLs whose host is an IP literal in the block are allowed, and a name that resolves into the block is
 *       allowed even if the block is loopback, link-local, private or multicast;</li>
 *   <li>a host name suffix ({@code push.example.com}, {@code .example.com} or {@code *.example.com}): host names equal
 *       to it or ending in {@code .}it are allowed (label boundaries; a leading {@code .} or {@code *.} allows only
 *       sub-domains). Suffixes never match IP literals.</li>
 * </ul>
 * A host name allowed by a suffix must still resolve only to public unicast addresses, unless an address lies in
 * a CIDR entry: loopback, unspecified, link-local, private (RFC 1918, IPv6 ULA), shared (100.64/10), multicast,
 * reserved and benchmark addresses are refused.
 */
final class AllowList {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern HOST = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");

    /** Addresses a phone may never make sipwake call unless a CIDR entry says so. */
    private static final List<Cidr> SPECIAL = List.of(
            Cidr.parse("0.0.0.0/8"), Cidr.parse("10.0.0.0/8"), Cidr.parse("100.64.0.0/10"), Cidr.parse("127.0.0.0/8"),
            Cidr.parse("169.254.0.0/16"), Cidr.parse("172.16.0.0/12"), Cidr.parse("192.0.0.0/24"),
            Cidr.parse("192.168.0.0/16"), Cidr.parse("198.18.0.0/15"), Cidr.parse("224.0.0.0/4"), Cidr.parse("240.0.0.0/4"),
            Cidr.parse("::/96"), // unspecified, loopback, IPv4-compatible (IPv4-mapped ones resolve as IPv4)
            Cidr.parse("64:ff9b::/96"), Cidr.parse("fc00::/7"), Cidr.parse("fe80::/10"),
            Cidr.parse("fec0::/10"), Cidr.parse("ff00::/8"));

    private final List<Cidr> cidrs;
    private final List<Suffix> suffixes;

    private AllowList(List<Cidr> cidrs, List<Suffix> suffixes) {
        this.cidrs = List.copyOf(cidrs);
        this.suffixes = List.copyOf(suffixes);
    }

    /** @throws IllegalArgumentException naming the first bad entry */
    static AllowList parse(List<String> entries) {
        List<Cidr> cidrs = new ArrayList<>();
        List<Suffix> suffixes = new ArrayList<>();
        for (String raw : entries) {
            if (raw == null || raw.isBlank()) throw new IllegalArgumentException("allow-hosts: empty entry");
            String e = raw.trim().toLowerCase(Locale.ROOT);
            if (e.contains("/") || isIpLiteral(e)) {
                cidrs.add(Cidr.parse(e));
                continue;
            }
            boolean subOnly = false;
            if (e.startsWith("*.")) { e = e.substring(2); subOnly = true; }
            else if (e.startsWith(".")) { e = e.substring(1); subOnly = true; }
            if (e.endsWith(".")) e = e.substring(0, e.length() - 1);
            if (!HOST.matcher(e).matches()) throw new IllegalArgumentException("allow-hosts: '" + raw + "' is neither a CIDR block nor a host name suffix");
            suffixes.add(new Suffix(e, subOnly));
        }
        return new AllowList(cidrs, suffixes);
    }

    /** The host of a URL in canonical form: lower case, no IPv6 brackets, no trailing dot. */
    static String canonicalHost(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
        if (h.endsWith(".")) h = h.substring(0, h.length() - 1);
        return h;
    }

    static boolean isIpLiteral(String host) {
        return IPV4.matcher(host).matches() || host.contains(":");
    }

    /** Whether a host name (not an IP literal) matches a suffix entry. */
    boolean allowsName(String host) {
        for (Suffix s : suffixes) {
            if (host.endsWith("." + s.suffix) || (!s.subdomainsOnly && host.equals(s.suffix))) return true;
        }
        return false;
    }

    /** Whether the address lies in a CIDR entry. */
    boolean inCidr(InetAddress address) {
        for (Cidr c : cidrs) if (c.contains(address)) return true;
        return false;
    }

    /** Whether the address is loopback, private, link-local, multicast or otherwise not public unicast. */
    static boolean isSpecial(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) return true;
        for (Cidr c : SPECIAL) if (c.contains(address)) return true;
        return false;
    }

    private record Suffix(String suffix, boolean subdomainsOnly) {}

    record Cidr(byte[] network, int prefix) {
        static Cidr parse(String text) {
            int slash = text.indexOf('/');
            String ip = slash < 0 ? text : text.substring(0, slash);
            if (!isIpLiteral(ip)) throw new IllegalArgumentException("allow-hosts: '" + text + "' is not an IP address or CIDR block");
            byte[] bytes;
            try {
                bytes = InetAddress.getByName(ip).getAddress(); // a literal: no DNS
            } catch (UnknownHostException | RuntimeException e) {
                throw new IllegalArgumentException("allow-hosts: '" + text + "' is not an IP address or CIDR block");
            }
            if (ip.contains(":") && bytes.length == 4) {
                throw new IllegalArgumentException("allow-hosts: '" + text + "' is an IPv4-mapped IPv6 block; write it in IPv4");
            }
            int prefix = bytes.length * 8;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(text.substring(slash + 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("allow-hosts: '" + text + "' has a bad prefix length");
                }
                if (prefix < 0 || prefix > bytes.length * 8) throw new IllegalArgumentException("allow-hosts: '" + text + "' has a bad prefix length");
            }
            return new Cidr(bytes, prefix);
        }

        boolean contains(InetAddress address) {
            byte[] a = address.getAddress();
            if (a.length != network.length) return false;
            int full = prefix / 8;
            for (int i = 0; i < full; i++) if (a[i] != network[i]) return false;
            int rest = prefix % 8;
            if (rest == 0) return true;
            int mask = (0xff << (8 - rest)) & 0xff;
            return (a[full] & mask) == (network[full] & mask);
        }
    }
}
