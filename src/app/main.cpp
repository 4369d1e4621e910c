#include "app/cli.h"

int main(int argc, char** argv) { return rt::app::Main(argc, argv); }
