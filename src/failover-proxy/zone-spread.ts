/**
 * What the scheduler does when a pod cannot be placed within `maxSkew`.
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/
 */
export enum WhenUnsatisfiable {
  /** Prefer spreading, but schedule anyway (never leaves pods Pending). */
  SCHEDULE_ANYWAY = 'ScheduleAnyway',
  /** Keep pods Pending rather than exceed the skew. */
  DO_NOT_SCHEDULE = 'DoNotSchedule',
}

