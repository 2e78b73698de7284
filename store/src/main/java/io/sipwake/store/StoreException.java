package io.sipwake.store;

/**
 * A binding store could not do what was asked: the database could not be opened or migrated, or a statement
 * failed. The message says which operation failed on which file, and why.
 */
public class StoreException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  public StoreException(String message) {
    super(message);
  }
}
