"""pvhtest: boots pvhkit images on QEMU, as Xen's PVH dom0 or as domUs on the real-Xen rig, and judges them (verdict.py holds the one verdict and exit-code table)."""
