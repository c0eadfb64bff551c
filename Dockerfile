# ocopd in a small image. Build: docker build -t ocopd .
FROM golang:1.24-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /out/ocopd ./cmd/ocopd

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/ocopd /ocopd
ENV OCOP_ADDR=:8080 OCOP_DATA_DIR=/data
VOLUME /data
EXPOSE 8080
ENTRYPOINT ["/ocopd"]
CMD ["serve"]
