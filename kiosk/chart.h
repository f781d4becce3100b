/*
 * chart: the taskforce's monthly report page as a PDF (see chart.c). Part
 * of kiosk-print, the one program that links cairo and pango.
 */
#ifndef KIOSK_CHART_H
#define KIOSK_CHART_H

/* Read the page's description on stdin, write the PDF to out; 0 or 1. */
int	chart_main(const char *out);

#endif
