package io.sipwake.proxy.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NonceCountsTest {

    @Test
    void each_count_is_accepted_once_and_only_upwards() {
        NonceCounts counts = new NonceCounts(10);

        assertThat(counts.advance("n", 1, 1000, 0)).isTrue();
        assertThat(counts.advance("n", 1, 1000, 0)).isFalse();
        assertThat(counts.advance("n", 5, 1000, 0)).isTrue();
        assertThat(counts.advance("n", 4, 1000, 0)).isFalse();
        assertThat(counts.advance("other", 1, 1000, 0)).isTrue();
    }

    @Test
    void expired_entries_are_pruned_when_full() {
        NonceCounts counts = new NonceCounts(100);
        for (int i = 0; i < 100; i++) {
            counts.advance("old" + i, 1, 1000, 0);
        }

        counts.advance("new", 1, 5000, 2000);

        assertThat(counts.size()).isEqualTo(1);
    }

    @Test
    void memory_stays_bounded_even_when_every_entry_is_live() {
        NonceCounts counts = new NonceCounts(100);
        for (int i = 0; i < 10_000; i++) {
            assertThat(counts.advance("n" + i, 1, Long.MAX_VALUE, 0)).isTrue();
        }

        assertThat(counts.size()).isLessThanOrEqualTo(100);
    }
}
