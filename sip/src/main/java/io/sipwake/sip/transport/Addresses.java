package io.sipwake.sip.transport;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** Conversions between SIP host text (names, IPv4, bracketed IPv6) and socket addresses, without DNS. */
final class Addresses {
    private Addresses() {}

    /** {@code host} without the brackets of an IPv6 reference. */
    static String stripBrackets(String host) {
        return host.length() > 1 && host.charAt(0) == '[' && host.charAt(host.length() - 1) == ']'
                ? host.substring(1, host.length() - 1) : host;
    }

    /** The IP address {@code host} spells (IPv4, IPv6 with or without brackets), or null for a domain name. No DNS. */
    static InetAddress literal(String host) {
        String h = stripBrackets(host);
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(h);
        if (bytes == null) return null;
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            return null; // cannot happen for 4 or 16 bytes
        }
    }

    /** A resolved address when {@code host} is an IP literal, else an unresolved one (to be resolved off the event loop). */
    static InetSocketAddress socketAddress(String host, int port) {
        InetAddress ip = literal(host);
        return ip != null ? new InetSocketAddress(ip, port) : InetSocketAddress.createUnresolved(stripBrackets(host), port);
    }

    /** The textual form of an address as used in {@code received} (RFC 5952 form for IPv6, no brackets). */
    static String text(InetAddress address) {
        return NetUtil.toAddressString(address);
    }

    /** The textual form as used in a URI or Via host: IPv6 in brackets. */
    static String uriHost(InetAddress address) {
        String s = text(address);
        return s.indexOf(':') >= 0 ? "[" + s + "]" : s;
    }

    /** Same as {@link #uriHost(InetAddress)} for host text that may be an IP literal. */
    static String uriHost(String host) {
        InetAddress ip = literal(host);
        return ip != null ? uriHost(ip) : host;
    }
}
