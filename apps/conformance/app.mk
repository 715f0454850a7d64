# conformance: the PVH conformance guest (one test per clause; TAP 13, JUnit XML, RESULT line)
SRCS := main.c conf_args.c conf_guest.c conf_report.c conf_result.c \
	conf_rules_entry.c conf_rules_startinfo.c conf_rules_platform.c \
	conf_t_entry.c conf_t_start_info.c conf_t_cpuid.c conf_t_acpi.c conf_t_vcpu.c \
	conf_t_evtchn.c conf_t_gnttab.c conf_t_xenstore.c conf_t_console.c conf_t_time.c conf_t_vcpu_area.c \
	conf_t_reloc.c
