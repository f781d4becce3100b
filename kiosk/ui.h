/*
 * ui: the full-screen kiosk (ncursesw). The only module that includes
 * curses.h. It draws the session's screens and turns keys, mouse taps and
 * the idle clock into session calls.
 *
 * The terminal runs in raw mode, so Ctrl-C, Ctrl-Z and Ctrl-\ arrive as
 * ordinary keys and are ignored; ui_run returns only when ui_stop is set
 * (SIGTERM, SIGHUP) or, in demo mode, when the quit key is pressed on the
 * language screen.
 */
#ifndef KIOSK_UI_H
#define KIOSK_UI_H

#include <signal.h>

struct config;
struct session;

extern volatile sig_atomic_t ui_stop;

/* Returns 0 on a normal end, -1 with *cause if the screen cannot start. */
int	ui_run(struct session *, const struct config *, char **cause);
/* Put the terminal back after a fatal signal (async-signal-safe). */
void	ui_emergency_restore(void);

#endif
