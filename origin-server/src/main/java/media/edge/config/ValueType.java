package media.edge.config;

import java.util.function.Function;

/**
 * A value type: a parser from a raw value (see {@link RawValue}) that returns {@code null} to refuse it,
 * what it expects, for the message, and a {@link Refusal} that says what to show when it refuses: the
 * whole value, the one list item at fault, or a field inside a map item. The types themselves live in
 * {@link ValueTypes}.
 */
record ValueType<T>(String expected, Function<Object, T> parse, Function<Object, Refusal> refusal) {}
