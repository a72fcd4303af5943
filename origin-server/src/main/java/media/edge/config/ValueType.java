package media.edge.config;

import java.util.function.Function;

/**
 * A value type: a parser from a raw value (see {@link RawValue}) that returns {@code null} to refuse it,
 * and what it expects, for the message. {@code culprit} picks the part to show when one list item, not
 * the whole value, is at fault. The types themselves live in {@link ValueTypes}.
 */
record ValueType<T>(String expected, Function<Object, T> parse, Function<Object, Object> culprit) {}
