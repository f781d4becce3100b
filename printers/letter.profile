# US Letter office printer (8.5 x 11 in). The ticket sits in a column at
# the top of the page; 600 dpi laser grid for the QR modules.
name = letter
media = na_letter_8.5x11in
width_mm = 215.9
height_mm = 279.4
margin_mm = 20
title_pt = 20
code_pt = 36
body_pt = 13
small_pt = 10
qr_module_mm = 1.5
dpi = 600
