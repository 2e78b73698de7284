package io.sipwake.store;

class InMemoryBindingStoreTest extends BindingStoreContractTest {

  @Override
  BindingStore newStore(MutableClock clock) {
    return new InMemoryBindingStore(clock);
  }
}
