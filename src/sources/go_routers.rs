//! Go routers beyond `net/http.ServeMux`: gorilla/mux, chi, gin, echo.
