package dev.converge.kryo;

import com.esotericsoftware.kryo.KryoException;

/**
 * Bytes that do not decode to a valid Converge value, or a value that cannot be encoded: the
 * message says what was wrong and, when decoding, at which input position.
 */
public final class ConvergeKryoException extends KryoException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was wrong
   */
  public ConvergeKryoException(String message) {
    super(message);
  }

  /**
   * Creates the exception with its cause.
   *
   * @param message what was wrong
   * @param cause the underlying failure
   */
  public ConvergeKryoException(String message, Throwable cause) {
    super(message, cause);
  }
}
