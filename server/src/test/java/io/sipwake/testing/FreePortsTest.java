package io.sipwake.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

import org.junit.jupiter.api.Test;

class FreePortsTest {

    @Test
    void aPortIsFreeForBothUdpAndTcpOnLoopback() throws Exception {
        int port = FreePorts.udpAndTcp();
        InetAddress loopback = InetAddress.getLoopbackAddress();

        try (ServerSocket tcp = new ServerSocket(port, 50, loopback);
                DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, port))) {
            assertThat(tcp.getLocalPort()).isEqualTo(udp.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void aPortIsHandedOutOnceAndHasFourDigitsForSipsak() {
        int first = FreePorts.udpAndTcp();
        int second = FreePorts.udpAndTcp();

        assertThat(first).isNotEqualTo(second);
        assertThat(String.valueOf(first)).hasSize(4);
    }

    @Test
    void aPortInUseIsNotFree() throws Exception {
        int port = FreePorts.udpAndTcp();
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
            assertThat(FreePorts.isFree(taken.getLocalPort())).isFalse();
        }
    }
}
