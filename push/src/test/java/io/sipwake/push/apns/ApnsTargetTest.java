package io.sipwake.push.apns;

import io.sipwake.push.PushKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Set;

import static io.sipwake.push.apns.ApnsTarget.Service.REMOTE;
import static io.sipwake.push.apns.ApnsTarget.Service.UNKNOWN;
import static io.sipwake.push.apns.ApnsTarget.Service.VOIP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApnsTargetTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // pn-param                                  | team       | bundle                    | services
            "DEF123GHIJ.com.example.app                  | DEF123GHIJ | com.example.app           | ''",
            "DEF123GHIJ.com.example.app.voip             | DEF123GHIJ | com.example.app           | VOIP",
            "ABCD1234.org.linphone.phone.voip&remote     | ABCD1234   | org.linphone.phone        | VOIP REMOTE",
            "ABCD1234.org.linphone.phone.remote&voip     | ABCD1234   | org.linphone.phone        | VOIP REMOTE",
            "ABCD1234.org.linphone.phone.remote          | ABCD1234   | org.linphone.phone        | REMOTE",
            "ABCD1234.org.linphone.phone.VoIP            | ABCD1234   | org.linphone.phone        | VOIP",
            "ABCD1234.org.voipapp.phone                  | ABCD1234   | org.voipapp.phone         | ''",
    })
    void pnParamSplitsIntoTeamBareBundleAndServices(String param, String team, String bundle, String services) {
        ApnsTarget.Param parsed = ApnsTarget.parseParam(param);

        assertThat(parsed.teamId()).isEqualTo(team);
        assertThat(parsed.bundleId()).isEqualTo(bundle);
        assertThat(parsed.services()).containsExactlyInAnyOrderElementsOf(
                services.isBlank() ? Set.of() : List.of(services.split(" ")).stream().map(ApnsTarget.Service::valueOf).toList());
    }

    @Test
    void pnParamWithoutADotIsABundleWithoutTeam() {
        ApnsTarget.Param parsed = ApnsTarget.parseParam("phoneapp.voip");

        assertThat(parsed.teamId()).isNull();
        assertThat(parsed.bundleId()).isEqualTo("phoneapp");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", ".voip", ".com.example", "TEAM..app", "TEAM.app."})
    void malformedPnParamIsRefused(String param) {
        assertThatThrownBy(() -> ApnsTarget.parseParam(param)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void linphonePridGivesALabelledTokenPerService() {
        assertThat(ApnsTarget.parsePrid("aaaa:voip&bbbb:remote", Set.of(VOIP, REMOTE)))
                .containsExactly(new ApnsTarget.Token("aaaa", VOIP), new ApnsTarget.Token("bbbb", REMOTE));
    }

    @Test
    void unlabelledSingleTokenTakesTheOnlyServiceOfPnParam() {
        assertThat(ApnsTarget.parsePrid("aaaa", Set.of(REMOTE))).containsExactly(new ApnsTarget.Token("aaaa", REMOTE));
        assertThat(ApnsTarget.parsePrid("aaaa", Set.of())).containsExactly(new ApnsTarget.Token("aaaa", UNKNOWN));
        assertThat(ApnsTarget.parsePrid("aaaa", Set.of(VOIP, REMOTE))).containsExactly(new ApnsTarget.Token("aaaa", UNKNOWN));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "aaaa:fax", "aaaa&bbbb:remote", ":voip", "aaaa:voip&", "a/b"})
    void malformedPridIsRefusedWithoutQuotingTheToken(String prid) {
        assertThatThrownBy(() -> ApnsTarget.parsePrid(prid, Set.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("aaaa").doesNotContain("bbbb"));
    }

    @Test
    void callPicksThePushKitTokenAsVoip() {
        List<ApnsTarget.Token> tokens = List.of(new ApnsTarget.Token("r", REMOTE), new ApnsTarget.Token("v", VOIP));

        assertThat(ApnsTarget.choose(tokens, PushKind.CALL)).isEqualTo(new ApnsTarget.Choice(new ApnsTarget.Token("v", VOIP), true));
    }

    @ParameterizedTest
    @EnumSource(value = PushKind.class, names = "CALL", mode = EnumSource.Mode.EXCLUDE)
    void everythingButACallPicksTheRemoteTokenAndIsNeverVoip(PushKind kind) {
        List<ApnsTarget.Token> tokens = List.of(new ApnsTarget.Token("v", VOIP), new ApnsTarget.Token("r", REMOTE));

        assertThat(ApnsTarget.choose(tokens, kind)).isEqualTo(new ApnsTarget.Choice(new ApnsTarget.Token("r", REMOTE), false));
        assertThat(ApnsTarget.choose(List.of(new ApnsTarget.Token("u", UNKNOWN)), kind).voip()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = PushKind.class, names = "CALL", mode = EnumSource.Mode.EXCLUDE)
    void aBindingWithOnlyAPushKitTokenGetsNothingButCalls(PushKind kind) {
        assertThat(ApnsTarget.choose(List.of(new ApnsTarget.Token("v", VOIP)), kind)).isNull();
    }

    @Test
    void callToAnUnlabelledTokenIsVoipAndToARemoteOnlyBindingIsAnAlert() {
        assertThat(ApnsTarget.choose(List.of(new ApnsTarget.Token("u", UNKNOWN)), PushKind.CALL).voip()).isTrue();
        assertThat(ApnsTarget.choose(List.of(new ApnsTarget.Token("r", REMOTE)), PushKind.CALL).voip()).isFalse();
    }
}
