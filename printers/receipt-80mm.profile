# 80 mm thermal receipt roll (Epson TM-T88, Star TSP100 and the many
# ESC/POS clones): 72 mm printable = 576 dots at 203 dpi.
# The page is 80 mm wide with 4 mm margins; height 0 = as long as the ticket.
name = receipt-80mm
media = oe_80x200mm_80x200mm
width_mm = 80
height_mm = 0
margin_mm = 4
title_pt = 14
code_pt = 22
body_pt = 10
small_pt = 8
# 8 dots per module at 203 dpi (1 mm): a 29-module QR with its quiet zone is 29 mm wide.
qr_module_mm = 1.0
dpi = 203
