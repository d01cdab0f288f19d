/*
 * main.c - the locusc executable's entry point.
 */
#include "driver.h"

int
main(int argc, char **argv)
{
	return drv_main(argc, argv);
}
