# 58 mm thermal receipt roll: about 48 mm printable (384 dots at 203 dpi).
name = receipt-58mm
media = oe_58x200mm_58x200mm
width_mm = 58
height_mm = 0
margin_mm = 5
title_pt = 11
code_pt = 16
body_pt = 8.5
small_pt = 7
qr_module_mm = 0.625
dpi = 203
