/*
 * fuzz_printer_request: libFuzzer harness for kiosk-print's request
 * reader (the grammar is in printer.h and helper.h), with the print
 * protocol's fields and limits; the properties are in request-harness.h.
 *
 * Build: tests/fuzz/run.sh (it links these sources):
 *   kiosk/printer-request.c kiosk/helper-wire.c kiosk/util.c
 * Must never crash, hang, leak or read out of bounds, whatever the input.
 */
#include "printer-request.h"
#include "request-harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	fuzz_request(&printer_request_proto, data, len);
	return 0;
}
