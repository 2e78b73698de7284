package io.sipwake.push.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class AllowListTest {

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void suffixesMatchOnLabelBoundaries() {
        AllowList a = AllowList.parse(List.of("push.example.com", "*.wake.example.net"));
        assertThat(a.allowsName("push.example.com")).isTrue();
        assertThat(a.allowsName("eu.push.example.com")).isTrue();
        assertThat(a.allowsName("evilpush.example.com")).isFalse();
        assertThat(a.allowsName("push.example.com.evil.org")).isFalse();
        assertThat(a.allowsName("wake.example.net")).isFalse();
        assertThat(a.allowsName("a.wake.example.net")).isTrue();
    }

    @Test
    void cidrs() throws Exception {
        AllowList a = AllowList.parse(List.of("203.0.113.0/24", "2001:db8::/32", "127.0.0.1"));
        assertThat(a.inCidr(ip("203.0.113.77"))).isTrue();
        assertThat(a.inCidr(ip("203.0.114.1"))).isFalse();
        assertThat(a.inCidr(ip("2001:db8::1"))).isTrue();
        assertThat(a.inCidr(ip("127.0.0.1"))).isTrue();
        assertThat(a.inCidr(ip("127.0.0.2"))).isFalse();
    }

    @Test
    void specialAddresses() throws Exception {
        for (String s : List.of("127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
                "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fd00::1", "ff02::1", "::ffff:10.0.0.1")) {
            assertThat(AllowList.isSpecial(ip(s))).as(s).isTrue();
        }
        for (String s : List.of("8.8.8.8", "2001:4860:4860::8888")) {
            assertThat(AllowList.isSpecial(ip(s))).as(s).isFalse();
        }
    }
}
