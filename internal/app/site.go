package app

import "net/http"

func mountSite(mux *http.ServeMux, run *Running) {}
