package io.sipwake.store;

import java.util.List;
import java.util.Objects;

/** Argument checks shared by the implementations, so both reject the same calls. */
final class BindingStores {

  private BindingStores() {}

  /** Returns {@code replace} after checking that every binding in it belongs to {@code aor}. */
  static List<Binding> checkedForAor(String aor, List<Binding> replace) {
    Objects.requireNonNull(aor, "aor");
    Objects.requireNonNull(replace, "replace");
    for (Binding b : replace) {
      Objects.requireNonNull(b, "binding in replace");
      if (!b.aor().equals(aor)) {
        throw new IllegalArgumentException("putAll for " + aor + " got a binding of " + b.aor());
      }
    }
    return replace;
  }
}
