package io.sipwake.proxy.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipwake.proxy.auth.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** RFC 8599 §6.2.1: PURRs are unforgeable, anonymous and unlinkable, rotated, and resolvable while retained. */
class PurrRegistryTest {
    private static final String AOR = "sip:alice@example.com";
    private static final String KEY = "<urn:uuid:00000000-0000-1000-8000-000A95A0E128>";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T10:00:00Z"));
    private final byte[] key = PurrRegistry.newKey();
    private final PurrRegistry purrs = new PurrRegistry(clock, Duration.ofHours(1), Duration.ofDays(2), key);

    @Test
    void aPurrNamesItsBindingAndTheSameOneIsGivenUntilRotation() {
        String purr = purrs.purrFor(AOR, KEY);
        assertThat(purrs.resolve(purr)).isEqualTo(new PurrRegistry.Owner(AOR, KEY));
        clock.advance(Duration.ofMinutes(59));
        assertThat(purrs.purrFor(AOR, KEY)).isEqualTo(purr);
    }

    @Test
    void aNewPurrComesEveryRotation_andTheOldOneKeepsResolvingForItsDialogs_RFC8599_6_2_1() {
        String first = purrs.purrFor(AOR, KEY);
        clock.advance(Duration.ofMinutes(61));
        String second = purrs.purrFor(AOR, KEY);
        assertThat(second).isNotEqualTo(first);
        assertThat(purrs.resolve(first)).as("retained").isNotNull();
        clock.advance(Duration.ofDays(2));
        assertThat(purrs.resolve(first)).as("past retention").isNull();
    }

    @Test
    void aPurrRevealsNeitherTheAorNorTheDevice_andTwoOfOneBindingShareNothing_anonymousAndUnlinkable() {
        String first = purrs.purrFor(AOR, KEY);
        clock.advance(Duration.ofMinutes(61));
        String second = purrs.purrFor(AOR, KEY);
        assertThat(first).doesNotContain("alice").doesNotContain("urn");
        assertThat(first.substring(0, 16)).isNotEqualTo(second.substring(0, 16));
    }

    @Test
    void aForgedOrAlteredPurrResolvesToNothing_unforgeable() {
        String purr = purrs.purrFor(AOR, KEY);
        char last = purr.charAt(purr.length() - 2);
        String altered = purr.substring(0, purr.length() - 2) + (last == 'A' ? 'B' : 'A') + purr.charAt(purr.length() - 1);
        assertThat(purrs.resolve(altered)).isNull();
        assertThat(purrs.resolve("not-base64!")).isNull();
        assertThat(purrs.resolve("AAAA")).isNull();
        assertThat(new PurrRegistry(clock, Duration.ofHours(1), Duration.ofDays(2)).resolve(purr)).as("another key").isNull();
    }

    @Test
    void withTheSameKeyAPurrResolvesAfterARestart() {
        String purr = purrs.purrFor(AOR, KEY);
        PurrRegistry afterRestart = new PurrRegistry(clock, Duration.ofHours(1), Duration.ofDays(2), key);
        assertThat(afterRestart.resolve(purr)).isEqualTo(new PurrRegistry.Owner(AOR, KEY));
    }
}
