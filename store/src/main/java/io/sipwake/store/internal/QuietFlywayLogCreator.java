package io.sipwake.store.internal;

import org.flywaydb.core.api.logging.Log;
import org.flywaydb.core.api.logging.LogCreator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flyway logging through SLF4J with its per-open narration (about eight INFO lines every time a store opens) moved
 * to DEBUG; warnings and errors keep their level. Not API: public only because Flyway instantiates it by name
 * ({@code FluentConfiguration.loggers(className)}).
 */
public final class QuietFlywayLogCreator implements LogCreator {

  public QuietFlywayLogCreator() {}

  @Override
  public Log createLogger(Class<?> clazz) {
    Logger logger = LoggerFactory.getLogger(clazz);
    return new Log() {
      @Override
      public void debug(String message) {
        logger.debug(message);
      }

      @Override
      public void info(String message) {
        logger.debug(message);
      }

      @Override
      public void notice(String message) {
        logger.debug(message);
      }

      @Override
      public void warn(String message) {
        logger.warn(message);
      }

      @Override
      public void error(String message) {
        logger.error(message);
      }

      @Override
      public void error(String message, Exception e) {
        logger.error(message, e);
      }
    };
  }
}
