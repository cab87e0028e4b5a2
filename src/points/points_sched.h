/* points_sched — the engine on a schedule (points-run-seconds; see points_sched.c). */
#ifndef EJIA_POINTS_POINTS_SCHED_H
#define EJIA_POINTS_POINTS_SCHED_H

#include "core/err.h"

st points_sched_start(err *e);
void points_sched_stop(void);

#endif
