package io.sipwake.store;

import static io.sipwake.store.Bindings.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BindingTest {

  private static Binding withQ(float q) {
    return new Binding("sip:a@h", "sip:a@c", "<sip:a@c>", null, null, q, "cid", 1, NOW, null, null, null, null, NOW);
  }

  @Test
  void requiredFieldsMustBePresent() {
    assertThatThrownBy(() -> new Binding(null, "k", "c", null, null, -1, "cid", 1, NOW, null, null, null, null, NOW))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("aor");
    assertThatThrownBy(() -> new Binding("a", null, "c", null, null, -1, "cid", 1, NOW, null, null, null, null, NOW))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("bindingKey");
    assertThatThrownBy(() -> new Binding("a", "k", null, null, null, -1, "cid", 1, NOW, null, null, null, null, NOW))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("contact");
    assertThatThrownBy(() -> new Binding("a", "k", "c", null, null, -1, null, 1, NOW, null, null, null, null, NOW))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("callId");
    assertThatThrownBy(() -> new Binding("", "k", "c", null, null, -1, "cid", 1, NOW, null, null, null, null, NOW))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(floats = {-1f, 0f, 0.5f, 1f})
  void qIsZeroToOneOrMinusOneForNone(float q) {
    assertThat(withQ(q).q()).isEqualTo(q);
  }

  @ParameterizedTest
  @ValueSource(floats = {-0.5f, 1.001f, Float.NaN, Float.POSITIVE_INFINITY})
  void otherQValuesAreRefused(float q) {
    assertThatThrownBy(() -> withQ(q)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void negativeCseqIsRefused() {
    assertThatThrownBy(() -> new Binding("a", "k", "c", null, null, -1, "cid", -1, NOW, null, null, null, null, NOW))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void bindingExpiresAtItsExpiryTime() {
    Binding b = withQ(-1);
    assertThat(b.isExpiredAt(NOW - 1)).isFalse();
    assertThat(b.isExpiredAt(NOW)).isTrue();
  }
}
