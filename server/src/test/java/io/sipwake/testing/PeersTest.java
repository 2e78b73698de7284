package io.sipwake.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class PeersTest {

    @Test
    void aMissingPeerFailsTheTestOnCiNamingThePackageToInstall() {
        assertThatThrownBy(() -> Peers.missing("sipp is not installed", "sip-tester", true))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("install sip-tester");
    }

    @Test
    void aMissingPeerSkipsTheTestOffCi() {
        assertThatThrownBy(() -> Peers.missing("sipp is not installed", "sip-tester", false))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("install sip-tester");
    }

    @Test
    void ciIsOnWhenTheVariableIsSetToAnythingButFalse() {
        assertThat(Peers.onCi("true")).isTrue();
        assertThat(Peers.onCi("1")).isTrue();
        assertThat(Peers.onCi(null)).isFalse();
        assertThat(Peers.onCi("")).isFalse();
        assertThat(Peers.onCi("false")).isFalse();
    }

    @Test
    void knowsWhichDebianPackageProvidesEachPeer() {
        assertThat(Peers.packageFor("sipp")).isEqualTo("sip-tester");
        assertThat(Peers.packageFor("sipsak")).isEqualTo("sipsak");
        assertThat(Peers.packageFor("kamailio")).isEqualTo("kamailio");
        assertThat(Peers.packageFor("linphonec")).isEqualTo("linphone-cli");
    }

    @Test
    void findsAnInstalledExecutableAndNotAMissingOne() {
        assertThat(Peers.find("sh")).isPresent();
        assertThat(Peers.find("no-such-sip-peer")).isEmpty();
    }
}
