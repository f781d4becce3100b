# ISO A4 office printer (210 x 297 mm); 600 dpi grid for the QR modules.
name = a4
media = iso_a4_210x297mm
width_mm = 210
height_mm = 297
margin_mm = 20
title_pt = 20
code_pt = 36
body_pt = 13
small_pt = 10
qr_module_mm = 1.5
dpi = 600
