package io.sipwake.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for SIP peers and servers under test: one number that is free for both
 * UDP and TCP on 127.0.0.1, since a SIP endpoint listens on both at the same port.
 *
 * <p>Ports come from 2000-4999: four digits, because sipsak 0.9.8.1 cuts the last digit of a
 * five-digit port in the URIs it writes (sip:127.0.0.1:31486 becomes sip:127.0.0.1:3148); below
 * the SIP ports (5060, 5061) and the ports SIPp takes for itself (media from 6000, control from
 * 8888); and far below Linux's ephemeral range (32768-60999), so that no outgoing connection's
 * source port takes one between picking and binding it. A port is handed out once per JVM.
 */
public final class FreePorts {

    private static final int LOWEST = 2_000;
    private static final int HIGHEST = 4_999;
    private static final int ATTEMPTS = 500;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePorts() {
    }

    /** A port free on 127.0.0.1 for both UDP and TCP. */
    public static int udpAndTcp() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = random.nextInt(LOWEST, HIGHEST + 1);
            if (isFree(port) && HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no port in " + LOWEST + "-" + HIGHEST + " is free for UDP and TCP on 127.0.0.1");
    }

    static boolean isFree(int port) {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket tcp = new ServerSocket(); DatagramSocket udp = new DatagramSocket(null)) {
            tcp.setReuseAddress(false);
            tcp.bind(new InetSocketAddress(loopback, port));
            udp.bind(new InetSocketAddress(loopback, port));
            return true;
        } catch (IOException inUse) {
            return false;
        }
    }
}
