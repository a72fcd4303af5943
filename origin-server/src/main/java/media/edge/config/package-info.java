/** Immutable start-up configuration: defaults, YAML file, {@code EDGE_*} environment and flags, validated once. */
package media.edge.config;
